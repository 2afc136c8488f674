import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { CappedPageMeta } from '../../common/pagination/pagination.js';
import type { ArticleRevision } from '../article-revision.entity.js';
import { ARTICLE_STATUSES, type Article, type ArticleStatus } from '../article.entity.js';
import { seoOf } from '../article-content.js';
import { SEARCH_COUNT_CAP } from '../articles.queries.js';
import { articleJsonLdScript } from '../json-ld.js';
import { VersionedRepresentation } from '../../common/http/response-headers.js';
import type { MediaImage } from '../../media/index.js';
import { PhotoResponse } from '../../locations/index.js';

export class CoverImageResponse {
  @ApiProperty({ example: 'https://images.example.org/quiet-morning.jpg' })
  readonly url!: string;

  @ApiProperty({ example: 'A cup of tea on a windowsill in morning light' })
  readonly alt!: string;
}

/** A ready `srcset` per format (see the media library). */
export class CoverSrcsetResponse {
  @ApiProperty({ example: '/media/3f9a1c0e5b7d2468ace013579bdf2468/320.avif 320w, …/1280.avif 1280w' })
  readonly avif!: string;

  @ApiProperty({ example: '/media/3f9a1c0e5b7d2468ace013579bdf2468/320.webp 320w, …/1280.webp 1280w' })
  readonly webp!: string;

  @ApiProperty({ example: '/media/3f9a1c0e5b7d2468ace013579bdf2468/320.jpg 320w, …/1280.jpg 1280w' })
  readonly jpeg!: string;
}

/**
 * The cover as a front end renders it. For a media library item: its widest JPEG, its size and a `srcset` per
 * format (AVIF and WebP in `<source>`, JPEG on the `<img>`). For an external URL: only `url` and `alt` are known.
 */
export class CoverResponse {
  @ApiProperty({ example: '/media/3f9a1c0e5b7d2468ace013579bdf2468/1280.jpg' })
  readonly url!: string;

  @ApiProperty({ example: 'A cup of tea on a windowsill in morning light' })
  readonly alt!: string;

  /** Of the image at `url`; null for an external URL. */
  @ApiProperty({ type: Number, nullable: true, example: 1280 })
  readonly width!: number | null;

  @ApiProperty({ type: Number, nullable: true, example: 853 })
  readonly height!: number | null;

  @ApiProperty({ type: CoverSrcsetResponse, nullable: true })
  readonly srcset!: CoverSrcsetResponse | null;

  /** The media item (null for an external URL). */
  @ApiProperty({ type: String, format: 'uuid', nullable: true })
  readonly mediaId!: string | null;
}

export class AuthorResponse {
  @ApiProperty({ example: 'Maya Lindqvist' })
  readonly name!: string;

  @ApiProperty({ type: String, nullable: true, example: 'LMFT' })
  readonly credentials!: string | null;

  /**
   * The practitioner who wrote it: their page is `/api/v1/practitioners/{slug}`, their articles
   * `/api/v1/practitioners/{slug}/articles`. Null when none is linked (or, publicly, while they are hidden).
   */
  @ApiProperty({ type: String, nullable: true, example: 'maya-lindqvist' })
  readonly slug!: string | null;

  /**
   * The linked practitioner's photo, as their own responses show it (`GET /api/v1/practitioners/{slug}`): a media
   * library item with its size and `srcset`. Null when none is linked, they have no photo, or (publicly) while they
   * are hidden: shown exactly when `slug` is.
   */
  @ApiProperty({ type: PhotoResponse, nullable: true })
  readonly photo!: PhotoResponse | null;
}

export class ReviewResponse {
  @ApiProperty({ example: 'Dr. Samuel Okafor, PsyD' })
  readonly reviewedBy!: string;

  @ApiProperty({ format: 'date', example: '2026-11-02' })
  readonly reviewedAt!: string;

  /** The practitioner who reviewed it; null when none is linked (or, publicly, while they are hidden). */
  @ApiProperty({ type: String, nullable: true, example: 'samuel-okafor' })
  readonly slug!: string | null;
}

/** The author as a revision saved it: the practitioner by id (they may have been renamed since). */
export class RevisionAuthorResponse {
  @ApiProperty({ example: 'Maya Lindqvist' })
  readonly name!: string;

  @ApiProperty({ type: String, nullable: true, example: 'LMFT' })
  readonly credentials!: string | null;

  @ApiProperty({ type: String, format: 'uuid', nullable: true })
  readonly practitionerId!: string | null;
}

export class RevisionReviewResponse {
  @ApiProperty({ example: 'Dr. Samuel Okafor, PsyD' })
  readonly reviewedBy!: string;

  @ApiProperty({ format: 'date', example: '2026-11-02' })
  readonly reviewedAt!: string;

  @ApiProperty({ type: String, format: 'uuid', nullable: true })
  readonly practitionerId!: string | null;
}

export class SeoResponse {
  /** The SEO title, or the title cut to 70 characters. */
  @ApiProperty({ maxLength: 70, example: 'Being Kind to Yourself on Hard Days' })
  readonly title!: string;

  /** The SEO description, or the excerpt cut to 160 characters. */
  @ApiProperty({
    maxLength: 160,
    example: 'Hard days happen. Be kind to yourself: notice the feeling, name it, and take one small step.',
  })
  readonly description!: string;
}

export class TocEntryResponse {
  /** The `id` of the heading in `bodyHtml`: link to `#<id>`. */
  @ApiProperty({ example: 'start-small' })
  readonly id!: string;

  @ApiProperty({ example: 'Start small' })
  readonly text!: string;

  @ApiProperty({ enum: [2, 3] })
  readonly level!: 2 | 3;
}

export class ArticleSummaryResponse {
  @ApiProperty({ format: 'uuid' })
  readonly id!: string;

  @ApiProperty({ example: 'being-kind-to-yourself' })
  readonly slug!: string;

  @ApiProperty({ example: 'Being Kind to Yourself on Hard Days' })
  readonly title!: string;

  /** Plain text (escape it when rendering). */
  @ApiProperty({
    example: 'Hard days happen. Be kind to yourself: notice the feeling, name it, and take one small step.',
  })
  readonly excerpt!: string;

  /** The cover's URL and alt text, whether an external image or a media item (then its widest JPEG). */
  @ApiProperty({ type: CoverImageResponse, nullable: true })
  readonly coverImage!: CoverImageResponse | null;

  /** The same cover with what responsive markup needs (sizes and `srcset` for media items). */
  @ApiProperty({ type: CoverResponse, nullable: true })
  readonly cover!: CoverResponse | null;

  @ApiProperty({ type: [String], example: ['self-compassion'] })
  readonly tags!: string[];

  @ApiProperty({ type: AuthorResponse })
  readonly author!: AuthorResponse;

  /**
   * The first publication (`datePublished` in the JSON-LD): kept when an archived article is published again. Null
   * only in staff views, for drafts (never published, or unpublished).
   */
  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  readonly publishedAt!: string | null;

  /**
   * When an archived article was last published again (`publishedAt` stays its first publication); null for an
   * article never archived and republished.
   */
  @ApiProperty({ type: String, format: 'date-time', nullable: true, example: '2026-11-16T14:30:00.000Z' })
  readonly republishedAt!: string | null;

  @ApiProperty({ example: 6 })
  readonly readingTimeMinutes!: number;

  /**
   * Only when searching (`q`): safe HTML, a passage of the body with the matched words in `<mark>`;
   * everything else in it is escaped text.
   */
  @ApiPropertyOptional({ example: 'Treat yourself as you would a <mark>friend</mark> …' })
  readonly highlight?: string;
}

export class ArticleResponse extends ArticleSummaryResponse {
  /** The Markdown source. */
  @ApiProperty({
    example: 'Hard days happen. **Be kind to yourself**: notice the feeling, name it, and take one small step.',
  })
  readonly body!: string;

  /** Sanitized HTML rendered from `body`; h2/h3 carry the ids listed in `toc`. */
  @ApiProperty({
    example:
      '<p>Hard days happen. <strong>Be kind to yourself</strong>: notice the feeling, name it, and take one small step.</p>',
  })
  readonly bodyHtml!: string;

  @ApiProperty({ type: [TocEntryResponse] })
  readonly toc!: TocEntryResponse[];

  @ApiProperty({ example: 1380 })
  readonly wordCount!: number;

  @ApiProperty({ type: SeoResponse })
  readonly seo!: SeoResponse;

  @ApiProperty({ type: ReviewResponse, nullable: true })
  readonly review!: ReviewResponse | null;

  @ApiProperty({ format: 'date-time' })
  readonly updatedAt!: string;

  // A string, not an object: re-serializing a parsed object with JSON.stringify would undo the escaping.
  @ApiProperty({
    description:
      'schema.org `BlogPosting`, or `MedicalWebPage` with `lastReviewed`/`reviewedBy` when reviewed, as JSON text ' +
      'to place verbatim inside a script element of type `application/ld+json`: `<`, `>`, `&`, U+2028 and U+2029 ' +
      'are written as `\\u003c`-style escapes, so a title that closes the script tag cannot end the element. ' +
      '`JSON.parse` gives the schema.org object. Embed the string as it is: serializing the parsed object again ' +
      '(JSON.stringify) brings the raw characters back.',
    example: '{"@context":"https://schema.org","@type":"BlogPosting","headline":"Tea \\u0026 calm"}',
  })
  readonly jsonLd!: string;
}

const CAP = SEARCH_COUNT_CAP.toLocaleString('en-US');

/**
 * The meta of article lists: only a search counts its matches, up to SEARCH_COUNT_CAP (its example shows such a
 * search, so that the example agrees with itself).
 */
export class ArticleListMeta extends CappedPageMeta {
  @ApiProperty({
    example: SEARCH_COUNT_CAP,
    description: `How many items the list has; for a search (\`q\`) at most ${CAP}: see \`totalIsLowerBound\`.`,
  })
  declare readonly total: number;
}

/** The list envelope's meta of staff article lists. */
export class AdminArticlePageMeta extends ArticleListMeta {}

export class ArticlePageMeta extends ArticleListMeta {
  /** Pass as `cursor` for the next page (keyset: as fast on page 400 as on page 1); null on the last page. */
  @ApiProperty({ type: String, nullable: true })
  readonly nextCursor!: string | null;
}

export class TagCountResponse {
  @ApiProperty({ example: 'self-compassion' })
  readonly tag!: string;

  /** Live articles with the tag. */
  @ApiProperty({ example: 3 })
  readonly count!: number;
}

export class AdminArticleSummaryResponse extends ArticleSummaryResponse {
  @ApiProperty({ enum: ARTICLE_STATUSES, enumName: 'ArticleStatus' })
  readonly status!: ArticleStatus;

  @ApiProperty()
  readonly scheduled!: boolean;

  @ApiProperty()
  readonly version!: number;

  @ApiProperty()
  readonly wordCount!: number;

  @ApiProperty({ format: 'date-time' })
  readonly createdAt!: string;

  @ApiProperty({ format: 'date-time' })
  readonly updatedAt!: string;
}

@VersionedRepresentation()
export class AdminArticleResponse extends ArticleResponse {
  @ApiProperty({ enum: ARTICLE_STATUSES, enumName: 'ArticleStatus' })
  readonly status!: ArticleStatus;

  @ApiProperty()
  readonly scheduled!: boolean;

  @ApiProperty()
  readonly version!: number;

  /** False when `excerpt` was derived from the body. */
  @ApiProperty()
  readonly customExcerpt!: boolean;

  /** Old slugs that redirect (301) here. */
  @ApiProperty({ type: [String], example: ['be-kind-to-yourself'] })
  readonly previousSlugs!: string[];

  @ApiProperty({ format: 'date-time' })
  readonly createdAt!: string;

  @ApiProperty({ format: 'uuid', nullable: true, type: String })
  readonly createdBy!: string | null;

  @ApiProperty({ format: 'uuid', nullable: true, type: String })
  readonly updatedBy!: string | null;
}

export class RevisionActorResponse {
  @ApiProperty({ enum: ['user', 'api_key', 'system', 'anonymous'] })
  readonly type!: string;

  @ApiProperty({ format: 'uuid', nullable: true, type: String })
  readonly id!: string | null;
}

export class SeoOverridesResponse {
  @ApiProperty({ type: String, nullable: true })
  readonly title!: string | null;

  @ApiProperty({ type: String, nullable: true })
  readonly description!: string | null;
}

/** The editable fields as a revision saved them. */
export class RevisionFieldsResponse {
  @ApiProperty({ example: 'being-kind-to-yourself' })
  readonly slug!: string;

  @ApiProperty({ example: 'Being Kind to Yourself on Hard Days' })
  readonly title!: string;

  /** The written excerpt; null when it was derived from the body. */
  @ApiProperty({ type: String, nullable: true })
  readonly excerpt!: string | null;

  @ApiProperty({
    example: 'Hard days happen. **Be kind to yourself**: notice the feeling, name it, and take one small step.',
  })
  readonly body!: string;

  @ApiProperty({ type: [String], example: ['self-compassion'] })
  readonly tags!: string[];

  /** An external cover image (a media item cover is in `coverMedia`). */
  @ApiProperty({ type: CoverImageResponse, nullable: true })
  readonly coverImage!: CoverImageResponse | null;

  /** A media library item as the cover, with the alt text written for this article (null: the item's own). */
  @ApiProperty({ type: () => RevisionCoverMediaResponse, nullable: true })
  readonly coverMedia!: RevisionCoverMediaResponse | null;

  @ApiProperty({ type: RevisionAuthorResponse })
  readonly author!: RevisionAuthorResponse;

  @ApiProperty({ type: RevisionReviewResponse, nullable: true })
  readonly review!: RevisionReviewResponse | null;

  /** The SEO overrides written (null: none). */
  @ApiProperty({ type: SeoOverridesResponse, nullable: true })
  readonly seo!: SeoOverridesResponse | null;
}

export class RevisionCoverMediaResponse {
  @ApiProperty({ format: 'uuid' })
  readonly mediaId!: string;

  @ApiProperty({ type: String, nullable: true })
  readonly alt!: string | null;
}

export class ArticleRevisionResponse {
  @ApiProperty({ format: 'uuid' })
  readonly id!: string;

  /** The article version this change produced. */
  @ApiProperty({ example: 2 })
  readonly version!: number;

  @ApiProperty({ enum: ['created', 'updated', 'published', 'unpublished', 'archived', 'restored'] })
  readonly action!: string;

  @ApiProperty({ type: RevisionActorResponse })
  readonly actor!: RevisionActorResponse;

  @ApiProperty({ format: 'date-time' })
  readonly createdAt!: string;

  @ApiProperty({ type: RevisionFieldsResponse })
  readonly fields!: RevisionFieldsResponse;
}

/** The article fields the public representations are built from (an entity, or a row of the public SQL). */
export type ArticleView = Pick<
  Article,
  | 'id'
  | 'slug'
  | 'title'
  | 'excerpt'
  | 'coverImageUrl'
  | 'coverImageAlt'
  | 'coverMediaId'
  | 'tags'
  | 'authorName'
  | 'authorCredentials'
  | 'authorPractitionerId'
  | 'publishedAt'
  | 'republishedAt'
  | 'readingTimeMinutes'
> & {
  /** The author's slug, looked up by ArticlePeople (absent or null: none linked, or not shown). */
  authorSlug?: string | null;
  /** …and their photo (absent or null: none, or not shown). */
  authorPhoto?: PhotoResponse | null;
  /** The media item named by `coverMediaId`, looked up by ArticleCovers (absent or null: none, or not looked up). */
  coverMedia?: MediaImage | null;
};

export type ArticleDetailView = ArticleView &
  Pick<
    Article,
    | 'body'
    | 'bodyHtml'
    | 'toc'
    | 'wordCount'
    | 'reviewedBy'
    | 'reviewedByPractitionerId'
    | 'reviewedAt'
    | 'seoTitle'
    | 'seoDescription'
    | 'updatedAt'
  > & { reviewerSlug?: string | null };

const coverImage = (url: string | null, alt: string | null): CoverImageResponse | null =>
  url ? { url, alt: alt ?? '' } : null;

/** The cover: the media item when there is one (its alt unless the article wrote its own), else the external URL. */
function coverOf(a: ArticleView): CoverResponse | null {
  const media = a.coverMediaId !== null ? a.coverMedia : undefined;
  if (media) {
    const { url, width, height, srcset, id } = media;
    return { url, alt: a.coverImageAlt ?? media.alt, width, height, srcset, mediaId: id };
  }
  return a.coverImageUrl
    ? { url: a.coverImageUrl, alt: a.coverImageAlt ?? '', width: null, height: null, srcset: null, mediaId: null }
    : null;
}

export function mapSummary(a: ArticleView, highlight?: string): ArticleSummaryResponse {
  const cover = coverOf(a);
  return {
    id: a.id,
    slug: a.slug,
    title: a.title,
    excerpt: a.excerpt,
    coverImage: cover && { url: cover.url, alt: cover.alt },
    cover,
    tags: a.tags,
    author: {
      name: a.authorName,
      credentials: a.authorCredentials,
      slug: a.authorSlug ?? null,
      photo: a.authorPhoto ?? null,
    },
    publishedAt: a.publishedAt?.toISOString() ?? null,
    republishedAt: a.republishedAt?.toISOString() ?? null,
    readingTimeMinutes: a.readingTimeMinutes,
    ...(highlight !== undefined ? { highlight } : {}),
  };
}

export function mapArticle(a: ArticleDetailView, siteUrl: string): ArticleResponse {
  return {
    ...mapSummary(a),
    body: a.body,
    bodyHtml: a.bodyHtml,
    toc: a.toc,
    wordCount: a.wordCount,
    seo: seoOf(a),
    review:
      a.reviewedBy && a.reviewedAt
        ? { reviewedBy: a.reviewedBy, reviewedAt: a.reviewedAt, slug: a.reviewerSlug ?? null }
        : null,
    updatedAt: a.updatedAt.toISOString(),
    jsonLd: articleJsonLdScript(withAbsoluteCover(a), siteUrl),
  };
}

/** JSON-LD names the media cover when its URL is absolute (MEDIA_BASE_URL set); search engines need no relative one. */
function withAbsoluteCover<T extends ArticleView>(a: T): T {
  const cover = coverOf(a);
  if (!cover?.mediaId) return a;
  return /^https?:\/\//.test(cover.url)
    ? { ...a, coverImageUrl: cover.url, coverImageAlt: cover.alt }
    : { ...a, coverImageUrl: null };
}

const isScheduled = (a: Pick<Article, 'status' | 'publishedAt'>, now: Date) =>
  a.status === 'published' && a.publishedAt !== null && a.publishedAt > now;

export function mapAdminSummary(
  a: ArticleView & Pick<Article, 'status' | 'version' | 'wordCount' | 'createdAt' | 'updatedAt'>,
  now: Date,
  highlight?: string,
): AdminArticleSummaryResponse {
  return {
    ...mapSummary(a, highlight),
    status: a.status,
    scheduled: isScheduled(a, now),
    version: a.version,
    wordCount: a.wordCount,
    createdAt: a.createdAt.toISOString(),
    updatedAt: a.updatedAt.toISOString(),
  };
}

export function mapAdminArticle(
  a: Article & {
    coverMedia?: MediaImage | null;
    authorSlug?: string | null;
    authorPhoto?: PhotoResponse | null;
    reviewerSlug?: string | null;
  },
  previousSlugs: string[],
  now: Date,
  siteUrl: string,
): AdminArticleResponse {
  return {
    ...mapArticle(a, siteUrl),
    status: a.status,
    scheduled: isScheduled(a, now),
    version: a.version,
    customExcerpt: a.customExcerpt !== null,
    previousSlugs,
    createdAt: a.createdAt.toISOString(),
    createdBy: a.createdBy,
    updatedBy: a.updatedBy,
  };
}

export function mapRevision(r: ArticleRevision): ArticleRevisionResponse {
  const s = r.snapshot;
  return {
    id: r.id,
    version: r.version,
    action: r.action,
    actor: { type: r.actorType, id: r.actorId },
    createdAt: r.createdAt.toISOString(),
    fields: {
      slug: s.slug,
      title: s.title,
      excerpt: s.customExcerpt,
      body: s.body,
      tags: s.tags,
      coverImage: s.coverMediaId ? null : coverImage(s.coverImageUrl, s.coverImageAlt),
      coverMedia: s.coverMediaId ? { mediaId: s.coverMediaId, alt: s.coverImageAlt } : null,
      author: { name: s.authorName, credentials: s.authorCredentials, practitionerId: s.authorPractitionerId ?? null },
      review:
        s.reviewedBy && s.reviewedAt
          ? { reviewedBy: s.reviewedBy, reviewedAt: s.reviewedAt, practitionerId: s.reviewedByPractitionerId ?? null }
          : null,
      seo: s.seoTitle || s.seoDescription ? { title: s.seoTitle, description: s.seoDescription } : null,
    },
  };
}
