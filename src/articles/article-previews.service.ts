import { Injectable } from '@nestjs/common';
import { isUUID } from 'class-validator';
import { TokenService } from '../auth/index.js';
import { Clock } from '../common/clock/clock.js';
import { AppException } from '../common/errors/app-exception.js';
import { notFound } from '../common/persistence/versioned-writes.js';
import { AppConfig } from '../config/app-config.js';
import {
  ARTICLE_PREVIEW_AUDIENCE,
  type PreviewBinding,
  sameBinding,
  STATUS_CHANGES,
  stageOf,
} from './article-preview.js';
import type { Article } from './article.entity.js';
import { ArticlesRepository } from './articles.repository.js';
import { ArticleCovers } from './article-covers.js';
import { ArticlePeople } from './article-people.js';

/**
 * One answer for every token that does not show this article: bad signature, other audience, expired, another
 * article's, revoked by a status change, or its article deleted. Given before the slug is looked at, it says nothing
 * about which articles exist.
 */
const refused = () =>
  new AppException('unauthorized', 'The preview token is invalid, expired, or no longer valid for this article.');

export interface IssuedPreview {
  token: string;
  expiresAt: Date;
  slug: string;
}

/**
 * Draft previews: a signed token shows one article, whatever its status, at its public URL until the token expires
 * (ARTICLE_PREVIEW_TTL_MINUTES) or the article's status changes. Reads go to the primary: a replica that has not
 * replayed a status change yet would still honour the tokens it revoked.
 */
@Injectable()
export class ArticlePreviewsService {
  constructor(
    private readonly articles: ArticlesRepository,
    private readonly tokens: TokenService,
    private readonly clock: Clock,
    private readonly config: AppConfig,
    private readonly covers: ArticleCovers,
    private readonly people: ArticlePeople,
  ) {}

  async issue(id: string): Promise<IssuedPreview> {
    const article = await this.articles.findById(id);
    if (!article) throw notFound(this.articles.noun);
    const now = this.clock.now();
    const expiresAt = new Date(now.getTime() + this.config.articles.previewTtlSeconds * 1000);
    const binding = await this.bindingOf(article, now);
    const token = await this.tokens.signFor(ARTICLE_PREVIEW_AUDIENCE, { ...binding }, now, expiresAt);
    return { token, expiresAt, slug: article.slug };
  }

  /** The article the token shows, when `slug` is its slug; its current slug when `slug` is one it had before. */
  async read(slug: string, token: string): Promise<{ article: Article } | { movedTo: string }> {
    const now = this.clock.now();
    const claims = await this.tokens.verifyFor<PreviewBinding>(ARTICLE_PREVIEW_AUDIENCE, token, now);
    const article = claims && isUUID(claims.sub, 'all') ? await this.articles.findById(claims.sub) : null;
    if (!claims || !article || !sameBinding(claims, await this.bindingOf(article, now))) throw refused();
    if (article.slug === slug) {
      return { article: await this.people.attachOne(await this.covers.attachOne(article)) };
    }
    if ((await this.articles.previousSlugs(article.id)).includes(slug)) return { movedTo: article.slug };
    throw refused();
  }

  private async bindingOf(article: Article, now: Date): Promise<PreviewBinding> {
    return {
      sub: article.id,
      stage: stageOf(article, now),
      statusVersion: await this.articles.lastRevisionVersion(article.id, STATUS_CHANGES),
    };
  }
}
