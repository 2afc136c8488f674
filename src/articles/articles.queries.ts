/**
 * The SQL of the public reads, as plain text and parameters: the service runs it, and the benchmark's
 * bare Fastify + pg baseline runs exactly the same statements.
 */
import { HIGHLIGHT_START, HIGHLIGHT_STOP } from './article-content.js';

export interface SqlQuery {
  text: string;
  values: unknown[];
}

export type SortDirection = 'ASC' | 'DESC';

/** A sort over article columns; `relevance` exists only with a search. */
export interface ListSort {
  field: 'publishedAt' | 'title' | 'relevance' | 'updatedAt' | 'createdAt';
  direction: SortDirection;
}

/** Which articles a list may show: live ones (public), or any status (staff), optionally one. */
export type ListScope = { live: true; now: Date } | { live: false; status?: string };

export interface ListSpec {
  scope: ListScope;
  tag?: string;
  q?: string;
  sort: ListSort[];
  limit: number;
  /** Rows to skip (page mode). */
  offset: number;
  /** Keyset mode: the sort values and id of the last row already seen. */
  after?: unknown[];
}

/** Columns of a summary (never the body). */
export const SUMMARY_COLUMNS = [
  'a.id',
  'a.slug',
  'a.title',
  'a.excerpt',
  'a.cover_image_url',
  'a.cover_image_alt',
  'a.tags',
  'a.author_name',
  'a.author_credentials',
  'a.published_at',
  'a.reading_time_minutes',
].join(', ');

export interface SummaryRow {
  id: string;
  slug: string;
  title: string;
  excerpt: string;
  cover_image_url: string | null;
  cover_image_alt: string | null;
  tags: string[];
  author_name: string;
  author_credentials: string | null;
  published_at: Date | null;
  reading_time_minutes: number;
  highlight?: string;
}

export interface AdminSummaryRow extends SummaryRow {
  status: string;
  word_count: number;
  version: number;
  created_at: Date;
  updated_at: Date;
}

export interface DetailRow extends SummaryRow {
  body: string;
  body_html: string;
  toc: { id: string; text: string; level: 2 | 3 }[];
  word_count: number;
  reviewed_by: string | null;
  reviewed_at: string | null;
  seo_title: string | null;
  seo_description: string | null;
  updated_at: Date;
}

const SORT_COLUMNS = {
  publishedAt: 'published_at',
  title: 'title',
  relevance: 'rank',
  updatedAt: 'updated_at',
  createdAt: 'created_at',
} as const;

/** What staff lists add to a summary. */
export const ADMIN_SUMMARY_COLUMNS = `${SUMMARY_COLUMNS}, a.status, a.word_count, a.version, a.created_at, a.updated_at`;

/** Published and live: what every public read is restricted to. `$1` is now. */
const VISIBLE = "a.status = 'published' AND a.published_at <= $1";

const HEADLINE_OPTIONS = `StartSel=${HIGHLIGHT_START}, StopSel=${HIGHLIGHT_STOP}, MaxWords=35, MinWords=15, MaxFragments=2, FragmentDelimiter=" … "`;

class Params {
  readonly values: unknown[] = [];
  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

function filters(
  spec: Pick<ListSpec, 'scope' | 'tag' | 'q'>,
  params: Params,
): { from: string; where: string; queryRef?: string } {
  const where: string[] = [];
  if (spec.scope.live) {
    params.add(spec.scope.now);
    where.push(VISIBLE);
  } else if (spec.scope.status !== undefined) {
    where.push(`a.status = ${params.add(spec.scope.status)}`);
  }
  if (spec.tag !== undefined) where.push(`a.tags @> ARRAY[${params.add(spec.tag)}]::text[]`);
  if (where.length === 0) where.push('TRUE');
  if (spec.q === undefined) return { from: 'articles a', where: where.join(' AND ') };
  const queryRef = params.add(spec.q);
  where.push('a.search_vector @@ query');
  return {
    from: `articles a, websearch_to_tsquery('english', ${queryRef}) AS query`,
    where: where.join(' AND '),
    queryRef,
  };
}

/**
 * Rows after a keyset position. One direction throughout: a row comparison the index can seek to; mixed
 * directions: the expanded OR form.
 */
function keyset(columns: string[], directions: SortDirection[], after: unknown[], params: Params): string {
  const refs = after.map((value) => params.add(value));
  if (directions.every((d) => d === directions[0])) {
    return `(${columns.join(', ')}) ${directions[0] === 'DESC' ? '<' : '>'} (${refs.join(', ')})`;
  }
  const alternatives = columns.map((column, i) => {
    const equal = columns.slice(0, i).map((c, j) => `${c} = ${refs[j]}`);
    return [...equal, `${column} ${directions[i] === 'DESC' ? '<' : '>'} ${refs[i]}`].join(' AND ');
  });
  return `(${alternatives.map((a) => `(${a})`).join(' OR ')})`;
}

/**
 * One page of summaries. The inner query finds the page's ids from the index alone (an index-only scan of
 * `IDX_articles_published` for the default order, so deep offsets skip index entries, not table rows);
 * the outer one fetches only those rows. Ties are broken by id in the direction of the last sort term.
 */
export function listQuery(spec: ListSpec): SqlQuery {
  const params = new Params();
  const { from, where, queryRef } = filters(spec, params);
  const terms = [...spec.sort];
  const tieDirection = terms[terms.length - 1]?.direction ?? 'DESC';
  const columns = [...terms.map((t) => SORT_COLUMNS[t.field]), 'id'];
  const directions = [...terms.map((t) => t.direction), tieDirection];
  // Only what ordering needs, so the default order is answered from the index alone.
  const inner = [
    'a.id',
    ...new Set(terms.filter((t) => t.field !== 'relevance').map((t) => `a.${SORT_COLUMNS[t.field]}`)),
    ...(queryRef ? ['ts_rank_cd(a.search_vector, query) AS rank'] : []),
  ];
  const order = (alias: string) => columns.map((c, i) => `${alias}.${c} ${directions[i]}`).join(', ');
  const after = spec.after
    ? ` WHERE ${keyset(
        columns.map((c) => `k.${c}`),
        directions,
        spec.after,
        params,
      )}`
    : '';
  const limit = params.add(spec.limit);
  const offset = spec.after ? '' : ` OFFSET ${params.add(spec.offset)}`;
  const page =
    `SELECT k.* FROM (SELECT ${inner.join(', ')} FROM ${from} WHERE ${where}) k${after}` +
    ` ORDER BY ${order('k')} LIMIT ${limit}${offset}`;
  const headline = queryRef
    ? `, ts_headline('english', a.body_text, websearch_to_tsquery('english', ${queryRef}), '${HEADLINE_OPTIONS}') AS highlight`
    : '';
  return {
    text: `SELECT ${spec.scope.live ? SUMMARY_COLUMNS : ADMIN_SUMMARY_COLUMNS}${headline} FROM (${page}) p JOIN articles a ON a.id = p.id ORDER BY ${order('p')}`,
    values: params.values,
  };
}

/** How many rows match the filters (for `meta.total`). */
export function countQuery(spec: Pick<ListSpec, 'scope' | 'tag' | 'q'>): SqlQuery {
  const params = new Params();
  const { from, where } = filters(spec, params);
  return { text: `SELECT count(*)::int AS total FROM ${from} WHERE ${where}`, values: params.values };
}

const DETAIL_COLUMNS = `${SUMMARY_COLUMNS}, a.body, a.body_html, a.toc, a.word_count, a.reviewed_by, a.reviewed_at::text AS reviewed_at, a.seo_title, a.seo_description, a.updated_at`;

export function detailQuery(slug: string, now: Date): SqlQuery {
  return { text: `SELECT ${DETAIL_COLUMNS} FROM articles a WHERE a.slug = $2 AND ${VISIBLE}`, values: [now, slug] };
}

/** The current slug of a live article that used to be called `slug`. */
export function redirectQuery(slug: string, now: Date): SqlQuery {
  return {
    text: `SELECT a.slug FROM article_slug_redirects r JOIN articles a ON a.id = r.article_id WHERE r.slug = $2 AND ${VISIBLE}`,
    values: [now, slug],
  };
}

/** The id and tags of the live article with this slug: what related articles are found from. */
export function tagsOfQuery(slug: string, now: Date): SqlQuery {
  return { text: `SELECT a.id, a.tags FROM articles a WHERE a.slug = $2 AND ${VISIBLE}`, values: [now, slug] };
}

/** Live articles sharing tags with the given one: most shared tags first, then newest. */
export function relatedQuery(article: { id: string; tags: string[] }, now: Date, limit: number): SqlQuery {
  return {
    text:
      `SELECT ${SUMMARY_COLUMNS}, count(*) OVER ()::int AS total FROM articles a` +
      ` WHERE ${VISIBLE} AND a.id <> $2 AND a.tags && $3::text[]` +
      ` ORDER BY cardinality(ARRAY(SELECT unnest(a.tags) INTERSECT SELECT unnest($3::text[]))) DESC, a.published_at DESC, a.id DESC` +
      ` LIMIT $4`,
    values: [now, article.id, article.tags, limit],
  };
}

/** Tags of live articles with how many use each, most used first. */
export function tagsQuery(now: Date, limit: number, offset: number): SqlQuery {
  return {
    text:
      `SELECT tag, count(*)::int AS count, count(*) OVER ()::int AS total FROM articles a, unnest(a.tags) AS tag` +
      ` WHERE ${VISIBLE} GROUP BY tag ORDER BY count DESC, tag ASC LIMIT $2 OFFSET $3`,
    values: [now, limit, offset],
  };
}

/** The newest live articles, for the feed. */
export function feedQuery(now: Date, limit: number): SqlQuery {
  return {
    text: `SELECT ${SUMMARY_COLUMNS} FROM articles a WHERE ${VISIBLE} ORDER BY a.published_at DESC, a.id DESC LIMIT $2`,
    values: [now, limit],
  };
}
