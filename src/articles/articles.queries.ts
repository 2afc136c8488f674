/**
 * The hand-written SQL of ArticlesRepository, as plain text and parameters: pure functions, so that the benchmark's
 * bare Fastify + pg baseline runs exactly the same statements.
 */
import { cappedCountSql, TOTAL_CAP } from '../common/pagination/capped-total.js';
import { HIGHLIGHT_START, HIGHLIGHT_STOP } from './article-content.js';
import type { MediaImageSource } from '../media/index.js';

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
  /** Only the articles this practitioner (id) wrote; never with `tag` or `q`. */
  author?: string;
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
  'a.cover_media_id',
  'a.tags',
  'a.author_name',
  'a.author_credentials',
  'a.author_practitioner_id',
  'a.published_at',
  'a.republished_at',
  'a.reading_time_minutes',
].join(', ');

export interface SummaryRow {
  id: string;
  slug: string;
  title: string;
  excerpt: string;
  cover_image_url: string | null;
  cover_image_alt: string | null;
  cover_media_id: string | null;
  tags: string[];
  author_name: string;
  author_credentials: string | null;
  author_practitioner_id: string | null;
  published_at: Date | null;
  republished_at: Date | null;
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
  reviewed_by_practitioner_id: string | null;
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

/** Characters of the body a highlight is taken from: from a little before the first match on. */
const HEADLINE_WINDOW = 600;
const HEADLINE_LEAD = 150;

/**
 * A highlight of the body for the search `q` (a parameter reference), for the returned rows only. ts_headline parses
 * all the text it is given (about 2 ms for a 10,000-character body, 0.07 ms for this window), so it is given a
 * window: from a little before the first word that starts with one of the query's stems (a stem is the start of its
 * words, but for a final "i" that was a "y": "happi" for "happy"), cut to whole words; the start of the body when no
 * word does. `h.pattern` is that regular expression, built once per query; `f.at` is where its first match starts.
 */
function headlineSql(q: string): { column: string; from: string } {
  const text = String.raw`CASE WHEN f.at > ${HEADLINE_LEAD + 1} THEN regexp_replace(substr(a.body_text, f.at - ${HEADLINE_LEAD}, ${HEADLINE_WINDOW}), '^\S*\s+', '') ELSE substr(a.body_text, 1, ${HEADLINE_WINDOW}) END`;
  const lexemes = String.raw`regexp_matches(websearch_to_tsquery('english', ${q})::text, '''((?:[^'']|'''')+)''', 'g') AS m, replace(m[1], '''''', '''') AS l`;
  const stem = String.raw`regexp_replace(CASE WHEN length(l) > 3 THEN regexp_replace(l, 'i$', '') ELSE l END, '([^[:alnum:]])', '\\\1', 'g')`;
  return {
    column: `ts_headline('english', ${text}, websearch_to_tsquery('english', ${q}), '${HEADLINE_OPTIONS}') AS highlight`,
    from:
      String.raw`, (SELECT '\m(' || string_agg(${stem}, '|') || ')' FROM ${lexemes}) AS h(pattern)` +
      `, LATERAL (SELECT coalesce(nullif(regexp_instr(a.body_text, h.pattern, 1, 1, 0, 'i'), 0), 1) AS at) f`,
  };
}

/** A search's `total` is exact up to this many matches; above, it is this number and only a lower bound. */
export const SEARCH_COUNT_CAP = TOTAL_CAP;

/**
 * A relevance order ranks, in each of its two groups (title matches, then the other matches), this many of the
 * newest matches by `ts_rank_cd`; older matches follow them newest first. It bounds the vectors read per search
 * (at most twice this many) whatever the number of matches.
 */
export const RANKED_PER_GROUP = 100;

class Params {
  readonly values: unknown[] = [];
  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

/** One term of an ORDER BY over the page's columns (`k.` inside, `p.` outside). */
interface OrderTerm {
  column: string;
  direction: SortDirection;
  /** Where nulls go when not Postgres's default for the direction (first when descending, last when ascending). */
  nulls?: 'FIRST' | 'LAST';
}

/**
 * The order of a list: its sort terms, then the id in the direction of the last one. `relevance` is three columns:
 * the group (title matches first), the rank (only the ranked ones have one; the others come after them) and the
 * publication date (newest first, drafts last). Ascending relevance is that order reversed.
 */
function orderTerms(sort: ListSort[], scope: ListScope): OrderTerm[] {
  const terms = sort.flatMap((term): OrderTerm[] => {
    // Drafts have no publication date: staff lists put them after the dated articles both ways (a live list has
    // none, and keeps the order of its index).
    if (term.field === 'publishedAt' && !scope.live && term.direction === 'DESC') {
      return [{ column: SORT_COLUMNS.publishedAt, direction: term.direction, nulls: 'LAST' }];
    }
    if (term.field !== 'relevance') return [{ column: SORT_COLUMNS[term.field], direction: term.direction }];
    const nulls = term.direction === 'DESC' ? 'LAST' : 'FIRST';
    return [
      { column: 'in_title', direction: term.direction },
      { column: 'rank', direction: term.direction, nulls },
      { column: 'published_at', direction: term.direction, nulls },
    ];
  });
  return [...terms, { column: 'id', direction: sort[sort.length - 1]?.direction ?? 'DESC' }];
}

const orderBy = (terms: OrderTerm[], alias: string) =>
  terms.map((t) => `${alias}.${t.column} ${t.direction}${t.nulls ? ` NULLS ${t.nulls}` : ''}`).join(', ');

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

/** Which rows of `table` (aliased `alias`) a scope shows: live ones (`$1` is now), or those of a status. */
function scopeFilter(scope: ListScope, alias: string, params: Params): string[] {
  if (scope.live) {
    params.add(scope.now);
    return [`${alias}.status = 'published' AND ${alias}.published_at <= $1`];
  }
  return scope.status !== undefined ? [`${alias}.status = ${params.add(scope.status)}`] : [];
}

const tagFilter = (tag: string | undefined, alias: string, params: Params): string[] =>
  tag !== undefined ? [`${alias}.tags @> ARRAY[${params.add(tag)}]::text[]`] : [];

// IDX_articles_author_published answers it in publication order.
const authorFilter = (author: string | undefined, params: Params): string[] =>
  author !== undefined ? [`a.author_practitioner_id = ${params.add(author)}`] : [];

const conjunction = (conditions: string[]) => (conditions.length > 0 ? conditions.join(' AND ') : 'TRUE');

/** The search's matches: found by the GIN index of `article_search` alone (see ArticleSearch). */
function searchSource(
  spec: Pick<ListSpec, 'scope' | 'tag' | 'q'>,
  params: Params,
  join = '',
): { from: string; where: string; q: string } {
  const where = scopeFilter(spec.scope, 's', params);
  where.push(...tagFilter(spec.tag, 's', params));
  const q = params.add(spec.q);
  return {
    from: `article_search s${join}, websearch_to_tsquery('english', ${q}) AS query`,
    where: conjunction(['s.search_vector @@ query', ...where]),
    q,
  };
}

/**
 * The inner query of a page: the ids of the rows that can be on it and the columns their order needs, from the
 * cheapest place that has them.
 */
function candidates(spec: ListSpec, params: Params, order: OrderTerm[]): { inner: string; q?: string } {
  const columns = order.map((t) => t.column).filter((c) => c !== 'id');
  const needs = (column: string) => columns.includes(column);
  if (spec.q === undefined) {
    // A tag list in publication order walks article_tags (published articles only) rather than sorting every
    // article with the tag.
    const byDate = spec.sort.length === 1 && spec.sort[0].field === 'publishedAt';
    if (spec.scope.live && spec.tag !== undefined && spec.author === undefined && byDate) {
      params.add(spec.scope.now);
      const tag = params.add(spec.tag);
      return {
        inner: `SELECT t.article_id AS id, t.published_at FROM article_tags t WHERE t.tag = ${tag} AND t.published_at <= $1`,
      };
    }
    // Only what ordering needs, so the default order is answered from the index alone.
    const where = scopeFilter(spec.scope, 'a', params);
    where.push(...tagFilter(spec.tag, 'a', params), ...authorFilter(spec.author, params));
    return {
      inner: `SELECT ${['a.id', ...new Set(columns.map((c) => `a.${c}`))].join(', ')} FROM articles a WHERE ${conjunction(where)}`,
    };
  }

  // Titles and staff dates are not in article_search: only such sorts read the article rows of every match.
  const fromArticles = columns.filter((c) => !['published_at', 'in_title', 'rank'].includes(c));
  const join = fromArticles.length > 0 ? ' JOIN articles a ON a.id = s.article_id' : '';
  const { from, where, q } = searchSource(spec, params, join);
  const picked = [
    's.article_id AS id',
    ...(needs('published_at') ? ['s.published_at'] : []),
    ...new Set(fromArticles.map((c) => `a.${c}`)),
  ];
  if (!needs('rank')) return { inner: `SELECT ${picked.join(', ')} FROM ${from} WHERE ${where}`, q };

  // Relevance: each match's group, and its place by date within the group; only the first RANKED_PER_GROUP of each
  // group have their vector read and ranked. The vector is carried as a reference until then.
  const newest = 'published_at DESC NULLS LAST';
  let matches =
    `SELECT ${picked.join(', ')}, s.title_vector @@ query AS in_title, s.search_vector AS vector, query` +
    ` FROM ${from} WHERE ${where}`;
  // In the default relevance order the rows that can reach this page are among the first offset + limit +
  // RANKED_PER_GROUP in (group, date) order: sorting that many is enough (a top-N sort, not a sort of every match).
  const first = spec.sort[0];
  const second = spec.sort[1];
  const defaultOrder =
    first.field === 'relevance' &&
    first.direction === 'DESC' &&
    (spec.sort.length === 1 ||
      (spec.sort.length === 2 && second.field === 'publishedAt' && second.direction === 'DESC'));
  if (defaultOrder) {
    const window = params.add(spec.offset + spec.limit + RANKED_PER_GROUP);
    matches += ` ORDER BY in_title DESC, s.${newest}, s.article_id DESC LIMIT ${window}`;
  }
  const plain = picked.map((c) => `m.${c.replace(/^.*[.\s]/, '')}`);
  return {
    inner:
      `SELECT ${plain.join(', ')}, m.in_title,` +
      ` CASE WHEN row_number() OVER (PARTITION BY m.in_title ORDER BY m.${newest}, m.id DESC) <= ${RANKED_PER_GROUP}` +
      ` THEN ts_rank_cd(m.vector, m.query) END AS rank FROM (${matches}) m`,
    q,
  };
}

/**
 * One page of summaries. The inner query finds the page's ids from the narrowest source (an index-only scan of
 * `IDX_articles_published` for the default order, so deep offsets skip index entries, not table rows; an index-only
 * walk of `article_tags` for a tag; the GIN index of `article_search` for a search); the outer one fetches only those
 * rows, and highlights only them. Ties are broken by id in the direction of the last sort term.
 */
export function listQuery(spec: ListSpec): SqlQuery {
  const params = new Params();
  const order = orderTerms(spec.sort, spec.scope);
  const { inner, q } = candidates(spec, params, order);
  const after = spec.after
    ? ` WHERE ${keyset(
        order.map((t) => `k.${t.column}`),
        order.map((t) => t.direction),
        spec.after,
        params,
      )}`
    : '';
  const limit = params.add(spec.limit);
  const offset = spec.after ? '' : ` OFFSET ${params.add(spec.offset)}`;
  const page = `SELECT k.* FROM (${inner}) k${after} ORDER BY ${orderBy(order, 'k')} LIMIT ${limit}${offset}`;
  const headline = q ? headlineSql(q) : undefined;
  const columns = `${spec.scope.live ? SUMMARY_COLUMNS : ADMIN_SUMMARY_COLUMNS}${headline ? `, ${headline.column}` : ''}`;
  return {
    text: `SELECT ${columns} FROM (${page}) p JOIN articles a ON a.id = p.id${headline?.from ?? ''} ORDER BY ${orderBy(order, 'p')}`,
    values: params.values,
  };
}

/**
 * How many rows the list has (for `meta.total`), as `total`, and for a search whether that is only a lower bound
 * (`capped`). Lists without a search read the counters of `article_counts`: live ones less the scheduled ones,
 * which an index range finds (none, usually). A search counts its matches, up to SEARCH_COUNT_CAP and one.
 */
export function countQuery(spec: Pick<ListSpec, 'scope' | 'tag' | 'q' | 'author'>): SqlQuery {
  const params = new Params();
  if (spec.author !== undefined) {
    // One practitioner's articles: few enough to count in their index.
    const where = scopeFilter(spec.scope, 'a', params);
    where.push(...tagFilter(spec.tag, 'a', params), ...authorFilter(spec.author, params));
    return { text: `SELECT count(*)::int AS total FROM articles a WHERE ${conjunction(where)}`, values: params.values };
  }
  if (spec.q !== undefined) {
    const { from, where } = searchSource(spec, params);
    return { text: cappedCountSql(`SELECT FROM ${from} WHERE ${where}`), values: params.values };
  }
  const { scope, tag } = spec;
  if (scope.live) {
    params.add(scope.now);
    const ref = tag !== undefined ? params.add(tag) : undefined;
    const counted = `SELECT coalesce(sum(c.count), 0) FROM article_counts c WHERE c.status = 'published' AND c.tag = ${ref ?? `''`}`;
    const scheduled = ref
      ? `SELECT count(*) FROM article_tags t WHERE t.tag = ${ref} AND t.published_at > $1`
      : `SELECT count(*) FROM articles a WHERE a.status = 'published' AND a.published_at > $1`;
    return { text: `SELECT ((${counted}) - (${scheduled}))::int AS total`, values: params.values };
  }
  const where = [`c.tag = ${tag !== undefined ? params.add(tag) : `''`}`];
  if (scope.status !== undefined) where.push(`c.status = ${params.add(scope.status)}`);
  return {
    text: `SELECT coalesce(sum(c.count), 0)::int AS total FROM article_counts c WHERE ${where.join(' AND ')}`,
    values: params.values,
  };
}

const DETAIL_COLUMNS = `${SUMMARY_COLUMNS}, a.body, a.body_html, a.toc, a.word_count, a.reviewed_by, a.reviewed_by_practitioner_id, a.reviewed_at::text AS reviewed_at, a.seo_title, a.seo_description, a.updated_at`;

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

/**
 * Live articles sharing tags with the given one: most shared tags first, then newest. Counted in article_tags (an
 * index-only scan of the given tags' entries), not by intersecting the tags of every article that has one of them.
 */
export function relatedQuery(article: { id: string; tags: string[] }, now: Date, limit: number): SqlQuery {
  return {
    text:
      `SELECT ${SUMMARY_COLUMNS}, r.total FROM (SELECT t.article_id AS id, count(*) AS shared,` +
      ` max(t.published_at) AS published_at, count(*) OVER ()::int AS total FROM article_tags t` +
      ` WHERE t.tag = ANY($3::text[]) AND t.published_at <= $1 AND t.article_id <> $2 GROUP BY t.article_id` +
      ` ORDER BY shared DESC, published_at DESC, id DESC LIMIT $4) r JOIN articles a ON a.id = r.id` +
      ` ORDER BY r.shared DESC, r.published_at DESC, r.id DESC`,
    values: [now, article.id, article.tags, limit],
  };
}

/**
 * Tags of live articles with how many use each, most used first: the published counters less the scheduled articles
 * (found by an index range), so it reads one row per tag however many articles there are.
 */
export function tagsQuery(now: Date, limit: number, offset: number): SqlQuery {
  return {
    text:
      `SELECT c.tag, (c.count - coalesce(f.count, 0))::int AS count, count(*) OVER ()::int AS total FROM article_counts c` +
      ` LEFT JOIN (SELECT tag, count(*) AS count FROM articles a, unnest(a.tags) AS tag` +
      ` WHERE a.status = 'published' AND a.published_at > $1 GROUP BY tag) f ON f.tag = c.tag` +
      ` WHERE c.status = 'published' AND c.tag <> '' AND c.count > coalesce(f.count, 0)` +
      ` ORDER BY 2 DESC, c.tag ASC LIMIT $2 OFFSET $3`,
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

/** Slugs that are `base` or `base-…`, of articles now or before (redirects): what a new slug must avoid. */
export function slugsLikeQuery(base: string): SqlQuery {
  return {
    text:
      'SELECT slug FROM articles WHERE slug = $1 OR slug LIKE $2' +
      ' UNION SELECT slug FROM article_slug_redirects WHERE slug = $1 OR slug LIKE $2',
    values: [base, `${base.slice(0, 100)}-%`],
  };
}

/** The id of the published practitioner with this slug. */
export function publishedPractitionerQuery(slug: string): SqlQuery {
  return { text: 'SELECT p.id FROM practitioners p WHERE p.slug = $1 AND p.published', values: [slug] };
}

/** The current slug of a published practitioner that used to be called `slug`. */
export function practitionerRedirectQuery(slug: string): SqlQuery {
  return {
    text:
      'SELECT p.slug FROM practitioner_slug_redirects r JOIN practitioners p ON p.id = r.practitioner_id' +
      ' WHERE r.slug = $1 AND p.published',
    values: [slug],
  };
}

/** A linked practitioner as articles show them: slug, and photo (its media item joined: null when none or deleted). */
export interface LinkedPractitionerRow {
  id: string;
  slug: string;
  photo_media_id: string | null;
  photo_alt: string | null;
  media_hash: string | null;
  media_alt: string | null;
  media_variants: MediaImageSource['variants'] | null;
}

/**
 * These practitioners (published ones only, unless `hidden`) with what `author.slug` and `author.photo` show: their
 * photo's media item is joined, so a page of articles costs one query for its people, photos included.
 */
export function linkedPractitionersQuery(ids: string[], hidden: boolean): SqlQuery {
  return {
    text:
      'SELECT p.id, p.slug, p.photo_media_id, p.photo_alt, m.hash AS media_hash, m.alt AS media_alt,' +
      ' m.variants AS media_variants FROM practitioners p LEFT JOIN media_items m ON m.id = p.photo_media_id' +
      ` WHERE p.id = ANY($1::uuid[])${hidden ? '' : ' AND p.published'}`,
    values: [ids],
  };
}
