import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { isUUID } from 'class-validator';
import { DataSource } from 'typeorm';
import { Clock } from '../common/clock/clock.js';
import { AppException } from '../common/errors/app-exception.js';
import { decodeCursor, encodeCursor } from '../common/pagination/cursor.js';
import { parseSort } from '../common/pagination/sort.js';
import { validationFailed } from '../common/validation/validation-pipe.js';
import { pgPool } from '../database/query-deadline.js';
import { highlightHtml } from './article-content.js';
import {
  countQuery,
  type DetailRow,
  detailQuery,
  feedQuery,
  type ListSort,
  type ListSpec,
  listQuery,
  redirectQuery,
  relatedQuery,
  type SqlQuery,
  type SummaryRow,
  tagsOfQuery,
  tagsQuery,
} from './articles.queries.js';
import { PUBLIC_SORT_FIELDS, type ListArticlesQuery } from './dto/article.requests.js';
import type { ArticleDetailView, ArticleView } from './dto/article.responses.js';
import { FEED_SIZE, type FeedEntry } from './rss.js';

/** The response cache tag of everything public about articles: cleared by every article write. */
export const ARTICLES_CACHE_TAG = 'articles';

export function toView(row: SummaryRow): ArticleView {
  return {
    id: row.id,
    slug: row.slug,
    title: row.title,
    excerpt: row.excerpt,
    coverImageUrl: row.cover_image_url,
    coverImageAlt: row.cover_image_alt,
    tags: row.tags,
    authorName: row.author_name,
    authorCredentials: row.author_credentials,
    publishedAt: row.published_at,
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

/** What readers see: live articles only (published, `publishedAt` reached), whatever credentials are sent. */
@Injectable()
export class ArticlesService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly clock: Clock,
  ) {}

  /**
   * The hottest reads in the API go straight to the driver's pg pool: TypeORM's query runner adds nothing
   * to a read-only statement but per-call overhead. Errors keep their SQLSTATE, so 503 handling still works.
   * It is the same pool, so the same deadlines: waiting for a connection, and DB_QUERY_TIMEOUT_MS per query.
   */
  private async rows<T>(query: SqlQuery): Promise<T[]> {
    return (await pgPool(this.dataSource).query(query.text, query.values)).rows as T[];
  }

  async list(query: ListArticlesQuery): Promise<ArticleList> {
    const sort = resolveSort(query.sort, query.q, PUBLIC_SORT_FIELDS, '-publishedAt') as ListSort[];
    const listKey = JSON.stringify([
      sort.map((t) => (t.direction === 'DESC' ? '-' : '') + t.field),
      query.tag,
      query.q,
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
    const spec: ListSpec = {
      scope: { live: true, now: this.clock.now() },
      tag: query.tag,
      q: query.q,
      sort,
      limit: query.pageSize,
      offset: (page - 1) * query.pageSize,
      after,
    };
    const [rows, [{ total }]] = await Promise.all([
      this.rows<SummaryRow>(listQuery(spec)),
      this.rows<{ total: number }>(countQuery(spec)),
    ]);
    const last = rows[rows.length - 1];
    const more = last !== undefined && page * query.pageSize < total && rows.length === query.pageSize;
    return {
      items: rows.map((row) => ({
        article: toView(row),
        ...(row.highlight !== undefined ? { highlight: highlightHtml(row.highlight) } : {}),
      })),
      page,
      total,
      nextCursor:
        more && !sort.some((t) => t.field === 'relevance')
          ? encodeCursor({ list: listKey, page: page + 1, after: [...sort.map((t) => sortValue(last, t)), last.id] })
          : null,
    };
  }

  /** The live article with this slug, or the slug it was renamed to (a redirect), or 404. */
  async findBySlug(slug: string): Promise<{ article: ArticleDetailView } | { movedTo: string }> {
    const now = this.clock.now();
    const [row] = await this.rows<DetailRow>(detailQuery(slug, now));
    if (row) return { article: toDetailView(row) };
    const [moved] = await this.rows<{ slug: string }>(redirectQuery(slug, now));
    if (moved) return { movedTo: moved.slug };
    throw new AppException('not_found', 'No published article has this slug.');
  }

  async related(slug: string, limit: number): Promise<{ items: ArticleView[]; total: number }> {
    const now = this.clock.now();
    // Only the id and tags: the article's body is not needed to find its relatives.
    const [row] = await this.rows<{ id: string; tags: string[] }>(tagsOfQuery(slug, now));
    if (!row) throw new AppException('not_found', 'No published article has this slug.');
    if (row.tags.length === 0) return { items: [], total: 0 };
    const rows = await this.rows<SummaryRow & { total: number }>(relatedQuery(row, now, limit));
    return { items: rows.map(toView), total: rows[0]?.total ?? 0 };
  }

  async tags(page: number, pageSize: number): Promise<{ items: { tag: string; count: number }[]; total: number }> {
    const rows = await this.rows<{ tag: string; count: number; total: number }>(
      tagsQuery(this.clock.now(), pageSize, (page - 1) * pageSize),
    );
    // Past the last page the window count is unavailable: count the tags on their own.
    const total =
      rows[0]?.total ??
      (page === 1 ? 0 : ((await this.rows<{ total: number }>(tagsQuery(this.clock.now(), 1, 0)))[0]?.total ?? 0));
    return { items: rows.map(({ tag, count }) => ({ tag, count })), total };
  }

  async feed(): Promise<FeedEntry[]> {
    const rows = await this.rows<SummaryRow>(feedQuery(this.clock.now(), FEED_SIZE));
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
