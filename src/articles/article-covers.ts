import { Injectable } from '@nestjs/common';
import { MediaCatalog, type MediaImage } from '../media/index.js';

/**
 * Looks up the media items that articles show as covers (one query for a whole page, none when no article has one),
 * so that responses can carry their sizes and `srcset`.
 */
@Injectable()
export class ArticleCovers {
  constructor(private readonly media: MediaCatalog) {}

  async attach<T extends { coverMediaId: string | null }>(
    views: T[],
  ): Promise<(T & { coverMedia: MediaImage | null })[]> {
    const ids = views.flatMap((v) => (v.coverMediaId ? [v.coverMediaId] : []));
    const found = ids.length > 0 ? await this.media.describe(ids) : new Map<string, MediaImage>();
    return views.map((v) => ({ ...v, coverMedia: (v.coverMediaId && found.get(v.coverMediaId)) || null }));
  }

  async attachOne<T extends { coverMediaId: string | null }>(view: T): Promise<T & { coverMedia: MediaImage | null }> {
    return (await this.attach([view]))[0];
  }
}
