import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { type MediaUsage, MediaUsageProvider } from '../media/index.js';
import { ArticlesRepository } from './articles.repository.js';
import { ARTICLES_CACHE_TAG } from './articles.service.js';

/** Articles show media items as covers: deleting one that is any article's cover is refused, naming the slugs. */
@MediaUsageProvider()
@Injectable()
export class ArticleMediaUsage implements MediaUsage {
  readonly kind = 'articles';
  readonly cacheTags = [ARTICLES_CACHE_TAG];

  constructor(private readonly articles: ArticlesRepository) {}

  usersOf(mediaId: string, manager?: EntityManager): Promise<string[]> {
    return this.articles.slugsWithCover(mediaId, manager);
  }
}
