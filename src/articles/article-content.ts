import slugify from '@sindresorhus/slugify';
import type { ArticleSnapshot } from './article-revision.entity.js';
import type { Article } from './article.entity.js';
import type { CreateArticleRequest, UpdateArticleRequest } from './dto/article.requests.js';
import { MAX_SLUG_LENGTH } from './dto/article.requests.js';
import { renderBody, truncateWords } from './markdown.js';

/** The practitioners a request names, as ids (see ArticlePractitioners.resolve): undefined when it names none. */
export interface PractitionerLinks {
  author?: string | null;
  reviewer?: string | null;
}

/**
 * The editable fields after applying a create or update request to the current ones (none for a create). `author`
 * and `review` are replaced whole, their practitioner links with them (`links` holds the ids the request's slugs
 * name).
 */
export function applyEdits(
  current: ArticleSnapshot | undefined,
  edits: CreateArticleRequest | UpdateArticleRequest,
  slug: string,
  links: PractitionerLinks = {},
): ArticleSnapshot {
  const pick = <K extends keyof ArticleSnapshot>(
    key: K,
    value: ArticleSnapshot[K] | undefined,
    fallback: ArticleSnapshot[K],
  ) => (value !== undefined ? value : current ? current[key] : fallback);
  return {
    slug,
    title: pick('title', edits.title, ''),
    customExcerpt: pick('customExcerpt', edits.excerpt, null),
    body: pick('body', edits.body, ''),
    tags: pick('tags', edits.tags, []),
    coverImageUrl: pick(
      'coverImageUrl',
      edits.coverImage === undefined ? undefined : (edits.coverImage?.url ?? null),
      null,
    ),
    coverImageAlt: pick(
      'coverImageAlt',
      edits.coverImage === undefined ? undefined : (edits.coverImage?.alt ?? null),
      null,
    ),
    coverMediaId: pick(
      'coverMediaId',
      edits.coverImage === undefined ? undefined : (edits.coverImage?.mediaId ?? null),
      null,
    ),
    authorName: pick('authorName', edits.author?.name, ''),
    authorCredentials: pick(
      'authorCredentials',
      edits.author === undefined ? undefined : (edits.author.credentials ?? null),
      null,
    ),
    authorPractitionerId: pick(
      'authorPractitionerId',
      edits.author === undefined ? undefined : (links.author ?? null),
      null,
    ),
    reviewedByPractitionerId: pick(
      'reviewedByPractitionerId',
      edits.review === undefined ? undefined : (links.reviewer ?? null),
      null,
    ),
    reviewedBy: pick('reviewedBy', edits.review === undefined ? undefined : (edits.review?.reviewedBy ?? null), null),
    reviewedAt: pick('reviewedAt', edits.review === undefined ? undefined : (edits.review?.reviewedAt ?? null), null),
    seoTitle: pick('seoTitle', edits.seo === undefined ? undefined : (edits.seo?.title ?? null), null),
    seoDescription: pick(
      'seoDescription',
      edits.seo === undefined ? undefined : (edits.seo?.description ?? null),
      null,
    ),
  };
}

export function snapshotOf(article: Article): ArticleSnapshot {
  return {
    slug: article.slug,
    title: article.title,
    customExcerpt: article.customExcerpt,
    body: article.body,
    tags: article.tags,
    coverImageUrl: article.coverImageUrl,
    coverImageAlt: article.coverImageAlt,
    coverMediaId: article.coverMediaId,
    authorName: article.authorName,
    authorCredentials: article.authorCredentials,
    authorPractitionerId: article.authorPractitionerId,
    reviewedBy: article.reviewedBy,
    reviewedByPractitionerId: article.reviewedByPractitionerId,
    reviewedAt: article.reviewedAt,
    seoTitle: article.seoTitle,
    seoDescription: article.seoDescription,
  };
}

/** Field names (API spelling) whose values differ between two snapshots: what an update changed. */
export function changedFields(before: ArticleSnapshot, after: ArticleSnapshot): string[] {
  const groups: Record<string, (keyof ArticleSnapshot)[]> = {
    slug: ['slug'],
    title: ['title'],
    excerpt: ['customExcerpt'],
    body: ['body'],
    tags: ['tags'],
    coverImage: ['coverImageUrl', 'coverImageAlt', 'coverMediaId'],
    author: ['authorName', 'authorCredentials', 'authorPractitionerId'],
    review: ['reviewedBy', 'reviewedAt', 'reviewedByPractitionerId'],
    seo: ['seoTitle', 'seoDescription'],
  };
  return Object.entries(groups)
    .filter(([, keys]) => keys.some((key) => JSON.stringify(before[key]) !== JSON.stringify(after[key])))
    .map(([field]) => field);
}

export type DerivedFields = Pick<
  Article,
  'excerpt' | 'bodyHtml' | 'bodyText' | 'toc' | 'wordCount' | 'readingTimeMinutes'
>;

/** Everything stored alongside the editable fields, computed from them. */
export function deriveFields(snapshot: ArticleSnapshot): DerivedFields {
  const rendered = renderBody(snapshot.body);
  return {
    excerpt: snapshot.customExcerpt ?? rendered.excerpt,
    bodyHtml: rendered.html,
    bodyText: rendered.text,
    toc: rendered.toc,
    wordCount: rendered.wordCount,
    readingTimeMinutes: rendered.readingTimeMinutes,
  };
}

/** A slug made from a title: transliterated, lowercase kebab-case, at most 120 characters. */
export function slugFromTitle(title: string): string {
  const slug = slugify(title, { decamelize: false }).slice(0, MAX_SLUG_LENGTH).replace(/-+$/, '');
  return slug || 'article';
}

/** `base`, else `base-2`, `base-3`…, the first not in `taken`, within the slug length limit. */
export function firstFreeSlug(base: string, taken: ReadonlySet<string>): string {
  if (!taken.has(base)) return base;
  for (let n = 2; ; n++) {
    const suffix = `-${n}`;
    const candidate = `${base.slice(0, MAX_SLUG_LENGTH - suffix.length).replace(/-+$/, '')}${suffix}`;
    if (!taken.has(candidate)) return candidate;
  }
}

export const SEO_TITLE_LENGTH = 70;
export const SEO_DESCRIPTION_LENGTH = 160;

export function seoOf(article: Pick<Article, 'title' | 'excerpt' | 'seoTitle' | 'seoDescription'>): {
  title: string;
  description: string;
} {
  return {
    title: article.seoTitle ?? truncateWords(article.title, SEO_TITLE_LENGTH),
    description: article.seoDescription ?? truncateWords(article.excerpt, SEO_DESCRIPTION_LENGTH),
  };
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Search snippets are marked with these by Postgres (ts_headline); they cannot occur in stored text. */
export const HIGHLIGHT_START = '\u0002';
export const HIGHLIGHT_STOP = '\u0003';

/** A ts_headline snippet as safe HTML: every character escaped, then only the match markers become `<mark>`. */
export function highlightHtml(snippet: string): string {
  return snippet
    .replace(/[&<>"']/g, (c) => HTML_ESCAPES[c])
    .replaceAll(HIGHLIGHT_START, '<mark>')
    .replaceAll(HIGHLIGHT_STOP, '</mark>');
}
