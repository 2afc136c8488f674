import { ARTICLES_CACHE_TAG } from './articles-cache-tag.js';
import { Injectable } from '@nestjs/common';
import { isUUID } from 'class-validator';
import { Clock } from '../common/clock/clock.js';
import { AppException } from '../common/errors/app-exception.js';
import { decodeCursor, encodeCursor } from '../common/pagination/cursor.js';
import { parseSort } from '../common/pagination/sort.js';
import { validationFailed } from '../common/validation/validation-pipe.js';
import { ReadReplicas } from '../database/read-replicas.js';
import { highlightHtml } from './article-content.js';
import { ArticleCovers } from './article-covers.js';
import { ArticlePeople } from './article-people.js';
import type { DetailRow, ListSort, SummaryRow } from './articles.queries.js';
import { ArticlesRepository } from './articles.repository.js';
import { PUBLIC_SORT_FIELDS, type ListArticlesQuery, type PractitionerArticlesQuery } from './dto/article.requests.js';
import type { ArticleDetailView, ArticleView } from './dto/article.responses.js';
import { FEED_SIZE, type FeedEntry } from './rss.js';

export function toView(row: SummaryRow): ArticleView {
  return {
    id: row.id,
    slug: row.slug,
    title: row.title,
    excerpt: row.excerpt,
    coverImageUrl: row.cover_image_url,
    coverImageAlt: row.cover_image_alt,
    coverMediaId: row.cover_media_id,
    tags: row.tags,
    authorName: row.author_name,
    authorCredentials: row.author_credentials,
    authorPractitionerId: row.author_practitioner_id,
    publishedAt: row.published_at,
    republishedAt: row.republished_at,
    readingTimeMinutes: row.reading_time_minutes,
  };
}

function toDetailView(row: DetailRow): ArticleDetailView {
  return {
    ...toView(row),
    body: row.body,
    bodyHtml: row.body_html,
    toc: row.toc,
    wordCount: row.word_count,
    reviewedBy: row.reviewed_by,
    reviewedByPractitionerId: row.reviewed_by_practitioner_id,
    reviewedAt: row.reviewed_at,
    seoTitle: row.seo_title,
    seoDescription: row.seo_description,
    updatedAt: row.updated_at,
  };
}

export interface ListedArticle {
  article: ArticleView;
  highlight?: string;
}

export interface ArticleList {
  items: ListedArticle[];
  page: number;
  total: number;
  /** A search with more matches than it counts: `total` is a lower bound. */
  totalIsLowerBound: boolean;
  nextCursor: string | null;
}

/** A list's sort: the requested one, else relevance for searches and the given default otherwise. */
export function resolveSort<F extends string>(
  sort: string | undefined,
  q: string | undefined,
  allowed: readonly F[],
  fallback: string,
): { field: F; direction: 'ASC' | 'DESC' }[] {
  const terms = parseSort(sort ?? (q !== undefined ? '-relevance' : fallback), allowed) ?? [];
  if (q === undefined && terms.some((t) => t.field === 'relevance')) {
    throw validationFailed([{ field: 'sort', message: 'sort by relevance needs a search (q)' }]);
  }
  return terms;
}

/**
 * What readers see: live articles only (published, `publishedAt` reached), whatever credentials are sent. Every read
 * here is public, so it runs on a read replica when one is configured (see ReadReplicas).
 */
@Injectable()
export class ArticlesService {
  constructor(
    private readonly articles: ArticlesRepository,
    private readonly clock: Clock,
    private readonly replicas: ReadReplicas,
    private readonly covers: ArticleCovers,
    private readonly people: ArticlePeople,
  ) {}

  list(query: ListArticlesQuery): Promise<ArticleList> {
    return this.page(query);
  }

  /**
   * The live articles of the published practitioner with this slug, newest first; or the slug they were renamed to
   * (a redirect); or 404 (unknown or hidden).
   */
  async byPractitioner(
    slug: string,
    query: PractitionerArticlesQuery,
  ): Promise<{ list: ArticleList } | { movedTo: string }> {
    const found = await this.replicas.read(ARTICLES_CACHE_TAG, async (on) => {
      const id = await this.articles.publishedPractitioner(slug, on);
      return id !== undefined ? { id } : { movedTo: await this.articles.practitionerRenamedTo(slug, on) };
    });
    if (found.id !== undefined) return { list: await this.page(query, found.id) };
    if (found.movedTo !== undefined) return { movedTo: found.movedTo };
    throw new AppException('not_found', 'No published practitioner has this slug.');
  }

  private async page(
    query: Pick<ListArticlesQuery, 'page' | 'pageSize' | 'tag' | 'q' | 'sort' | 'cursor'>,
    author?: string,
  ): Promise<ArticleList> {
    const sort = resolveSort(query.sort, query.q, PUBLIC_SORT_FIELDS, '-publishedAt') as ListSort[];
    const listKey = JSON.stringify([
      sort.map((t) => (t.direction === 'DESC' ? '-' : '') + t.field),
      query.tag,
      query.q,
      ...(author !== undefined ? [author] : []),
    ]);
    let page = query.page;
    let after: unknown[] | undefined;
    if (query.cursor !== undefined) {
      if (sort.some((t) => t.field === 'relevance')) {
        throw validationFailed([
          { field: 'cursor', message: 'cursor paging is not available when sorting by relevance' },
        ]);
      }
      if (query.page !== 1) {
        throw validationFailed([{ field: 'page', message: 'page and cursor cannot be combined' }]);
      }
      const cursor = decodeCursor(query.cursor, listKey);
      after = cursorValues(cursor.after, sort);
      page = cursor.page;
    }
    const now = this.clock.now();
    const filter = {
      tag: query.tag,
      q: query.q,
      author,
      sort,
      limit: query.pageSize,
      offset: (page - 1) * query.pageSize,
      after,
    };
    const { rows, total, totalIsLowerBound } = await this.replicas.read(ARTICLES_CACHE_TAG, (on) =>
      this.articles.listLive(now, filter, on),
    );
    const last = rows[rows.length - 1];
    const more =
      last !== undefined && (totalIsLowerBound || page * query.pageSize < total) && rows.length === query.pageSize;
    const views = await this.people.attach(await this.covers.attach(rows.map(toView)));
    return {
      items: rows.map((row, i) => ({
        article: views[i],
        ...(row.highlight !== undefined ? { highlight: highlightHtml(row.highlight) } : {}),
      })),
      page,
      total,
      totalIsLowerBound,
      nextCursor:
        more && !sort.some((t) => t.field === 'relevance')
          ? encodeCursor({ list: listKey, page: page + 1, after: [...sort.map((t) => sortValue(last, t)), last.id] })
          : null,
    };
  }

  /** The live article with this slug, or the slug it was renamed to (a redirect), or 404. */
  async findBySlug(slug: string): Promise<{ article: ArticleDetailView } | { movedTo: string }> {
    const now = this.clock.now();
    const found = await this.replicas.read(ARTICLES_CACHE_TAG, async (on) => {
      const row = await this.articles.findLive(slug, now, on);
      return row ? { row } : { movedTo: await this.articles.renamedTo(slug, now, on) };
    });
    if (found.row) {
      return { article: await this.people.attachOne(await this.covers.attachOne(toDetailView(found.row))) };
    }
    if (found.movedTo !== undefined) return { movedTo: found.movedTo };
    throw new AppException('not_found', 'No published article has this slug.');
  }

  /** Articles related to the live one with this slug, or the slug it was renamed to (a redirect), or 404. */
  async related(slug: string, limit: number): Promise<{ items: ArticleView[]; total: number } | { movedTo: string }> {
    const now = this.clock.now();
    const found = await this.replicas.read(ARTICLES_CACHE_TAG, async (on) => {
      // Only the id and tags: the article's body is not needed to find its relatives.
      const row = await this.articles.findLiveTags(slug, now, on);
      if (!row) return { movedTo: await this.articles.renamedTo(slug, now, on) };
      return { rows: row.tags.length === 0 ? [] : await this.articles.related(row, now, limit, on) };
    });
    if (found.rows) {
      return {
        items: await this.people.attach(await this.covers.attach(found.rows.map(toView))),
        total: found.rows[0]?.total ?? 0,
      };
    }
    if (found.movedTo !== undefined) return { movedTo: found.movedTo };
    throw new AppException('not_found', 'No published article has this slug.');
  }

  async tags(page: number, pageSize: number): Promise<{ items: { tag: string; count: number }[]; total: number }> {
    const now = this.clock.now();
    return this.replicas.read(ARTICLES_CACHE_TAG, async (on) => {
      const rows = await this.articles.tagCounts(now, pageSize, (page - 1) * pageSize, on);
      // Past the last page the window count is unavailable: count the tags on their own.
      const total =
        rows[0]?.total ?? (page === 1 ? 0 : ((await this.articles.tagCounts(now, 1, 0, on))[0]?.total ?? 0));
      return { items: rows.map(({ tag, count }) => ({ tag, count })), total };
    });
  }

  async feed(): Promise<FeedEntry[]> {
    const now = this.clock.now();
    const rows = await this.replicas.read(ARTICLES_CACHE_TAG, (on) => this.articles.feed(now, FEED_SIZE, on));
    return rows.map((row) => ({
      id: row.id,
      slug: row.slug,
      title: row.title,
      excerpt: row.excerpt,
      tags: row.tags,
      publishedAt: row.published_at ?? new Date(0),
    }));
  }
}

function sortValue(row: SummaryRow, term: ListSort): string {
  return term.field === 'title' ? row.title : (row.published_at?.toISOString() ?? '');
}

/** A cursor's values checked against the sort they are for, so that nothing malformed reaches SQL. */
function cursorValues(values: (string | number)[], sort: ListSort[]): unknown[] {
  const valid =
    values.length === sort.length + 1 &&
    sort.every((term, i) =>
      term.field === 'title' ? typeof values[i] === 'string' : !Number.isNaN(Date.parse(String(values[i]))),
    ) &&
    isUUID(String(values[sort.length]), 'all');
  if (!valid) throw validationFailed([{ field: 'cursor', message: 'cursor is not a cursor of this list' }]);
  return sort
    .map((term, i) => (term.field === 'title' ? values[i] : new Date(String(values[i]))))
    .concat(values[sort.length]);
}

export { ARTICLES_CACHE_TAG };
