import { ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayUnique,
  IsArray,
  IsString,
  IsUrl,
  Matches,
  MaxLength,
  ValidateBy,
  ValidateIf,
} from 'class-validator';
import { PaginationQueryDto } from '../../common/pagination/pagination.js';
import { BodyOptional } from '../../common/validation/validation-pipe.js';
import { IsSort } from '../../common/pagination/sort.js';
import {
  IsDateOnly,
  IsInstant,
  IsNestedObject,
  IsOneOf,
  IsSlug,
  IsText,
  QueryInt,
  SLUG_PATTERN,
  ValidateUUID,
} from '../../common/validation/decorators.js';
import { ARTICLE_STATUSES, type ArticleStatus } from '../article.entity.js';

export const MAX_BODY_LENGTH = 200_000;
export const MAX_TAGS = 10;
export const MAX_TAG_LENGTH = 40;
export const MAX_SLUG_LENGTH = 120;
export const MAX_QUERY_LENGTH = 200;

/** A cover is an external image (`url` and `alt`) or an item of the media library (`mediaId`, `alt` optional). */
export class CoverImageInput {
  // Stacked decorators are checked bottom-up: the type rule sits lowest. Required unless mediaId is given.
  @IsUrl(
    { protocols: ['https'], require_protocol: true },
    { message: ({ property }) => `${property} must be an https URL` },
  )
  @MaxLength(2048)
  @IsString()
  @ValidateIf((cover: CoverImageInput, value) => value !== undefined || cover.mediaId === undefined)
  @ApiPropertyOptional({
    example: 'https://images.example.org/quiet-morning.jpg',
    maxLength: 2048,
    format: 'uri',
    description: 'An external https image; required unless `mediaId` is given.',
  })
  readonly url?: string;

  /** A media library item (`/api/v1/admin/media`): the response's `cover` then carries its sizes and `srcset`. */
  @ValidateBy({
    name: 'coverSource',
    validator: {
      validate: (_value, args) => (args?.object as CoverImageInput).url === undefined,
      defaultMessage: (args) => `${args?.property} and url cannot both be given: a cover is one or the other`,
    },
  })
  @ValidateUUID({ optional: true })
  readonly mediaId?: string;

  /** What the picture shows, for screen readers. With `mediaId` it may be left out: the media item's alt is shown. */
  @IsText({
    max: 250,
    optional: true,
    example: 'A cup of tea on a windowsill in morning light',
    requiredWhen: {
      when: (cover) => cover.mediaId === undefined,
      // The wording of a missing alt from before media covers.
      message: ({ property }) => `${property} must be a string`,
    },
  })
  readonly alt?: string;
}

export class AuthorInput {
  @IsText({ max: 100, example: 'Maya Lindqvist' })
  readonly name!: string;

  /** Licence or degree shown after the name. */
  @IsText({ max: 50, optional: true, nullable: true, example: 'LMFT' })
  readonly credentials?: string | null;

  /** The practitioner who wrote it, by current slug (absent or null: none); an unknown one is 400. */
  @IsSlug({
    optional: true,
    nullable: true,
    example: 'maya-lindqvist',
    description:
      'The practitioner who wrote it, by their current slug (absent or null: none); an unknown slug is 400. The ' +
      'response shows `author.slug` once they are published.',
  })
  readonly practitioner?: string | null;
}

/** A clinician's review of the article's clinical content. */
export class ReviewInput {
  @IsText({ max: 150, example: 'Dr. Samuel Okafor, PsyD' })
  readonly reviewedBy!: string;

  @IsDateOnly({ example: '2026-11-02', description: 'The day of the review.' })
  readonly reviewedAt!: string;

  @IsSlug({
    optional: true,
    nullable: true,
    example: 'samuel-okafor',
    description:
      'The practitioner who reviewed it, by their current slug (absent or null: none); an unknown slug is 400.',
  })
  readonly practitioner?: string | null;
}

/** Search-engine overrides; absent fields default to the title and the excerpt. */
export class SeoInput {
  @IsText({ max: 70, optional: true, nullable: true, example: 'Self-compassion: a practical guide' })
  readonly title?: string | null;

  @IsText({ max: 160, optional: true, nullable: true, multiline: true })
  readonly description?: string | null;
}

export class CreateArticleRequest {
  @IsText({ max: 200, example: 'Being Kind to Yourself on Hard Days' })
  readonly title!: string;

  /** Derived from the title when absent (`-2`, `-3`… when taken). An explicit slug that is taken is 409. */
  @IsSlug({ optional: true, maxLength: MAX_SLUG_LENGTH, example: 'being-kind-to-yourself' })
  readonly slug?: string;

  @IsText({
    max: 500,
    optional: true,
    nullable: true,
    multiline: true,
    description: 'Plain text. When absent or null, the opening of the body is used.',
  })
  readonly excerpt?: string | null;

  /** Markdown. Raw HTML is shown as text; links may be http(s), mailto, tel or relative. May be empty in a draft. */
  @IsText({
    min: 0,
    max: MAX_BODY_LENGTH,
    multiline: true,
    // Markdown: leading spaces make a code block, so the body is kept as written.
    trim: false,
    optional: true,
    default: '',
    example: 'Most of us speak to ourselves more harshly than to a friend.\n\n## Start small\n\nPause and notice.',
    controlCharactersMessage: '$property must not contain control characters',
  })
  readonly body?: string;

  @ValidateIf((_, value) => value !== undefined)
  @Matches(SLUG_PATTERN, { each: true, message: ({ property }) => `${property} must be lowercase kebab-case tags` })
  @MaxLength(MAX_TAG_LENGTH, { each: true })
  @ArrayUnique({ message: ({ property }) => `${property} must not list a tag twice` })
  @ArrayMaxSize(MAX_TAGS)
  @IsString({ each: true })
  @IsArray()
  @ApiPropertyOptional({
    type: [String],
    maxItems: MAX_TAGS,
    default: [],
    example: ['self-compassion', 'anxiety'],
    description: `Up to ${MAX_TAGS} lowercase kebab-case tags of at most ${MAX_TAG_LENGTH} characters.`,
  })
  readonly tags?: string[];

  @IsNestedObject(CoverImageInput, {
    optional: true,
    nullable: true,
    // One of the two kinds: an example with both would be refused.
    example: {
      url: 'https://images.example.org/quiet-morning.jpg',
      alt: 'A cup of tea on a windowsill in morning light',
    },
  })
  readonly coverImage?: CoverImageInput | null;

  @IsNestedObject(AuthorInput)
  readonly author!: AuthorInput;

  @IsNestedObject(ReviewInput, { optional: true, nullable: true, description: 'Null removes the review.' })
  readonly review?: ReviewInput | null;

  @IsNestedObject(SeoInput, { optional: true, nullable: true })
  readonly seo?: SeoInput | null;
}

/** Only the fields sent change; nested objects (author, coverImage, review, seo) are replaced whole. */
export class UpdateArticleRequest extends PartialType(CreateArticleRequest, { skipNullProperties: false }) {}

@BodyOptional()
export class PublishArticleRequest {
  @IsInstant({
    optional: true,
    description: 'When the article goes (or went) live; now when absent. A future instant schedules it.',
  })
  readonly publishedAt?: string;
}

const SearchText = () =>
  IsText({
    max: MAX_QUERY_LENGTH,
    optional: true,
    description:
      'Full-text search (web-search syntax: "quoted phrase", or, -excluded) over title, excerpt, tags and body.',
    example: 'self compassion',
  });

const TagFilter = () =>
  IsSlug({
    optional: true,
    maxLength: MAX_TAG_LENGTH,
    description: 'Only articles with this tag.',
    example: 'anxiety',
  });

export const PUBLIC_SORT_FIELDS = ['publishedAt', 'title', 'relevance'] as const;

export class ListArticlesQuery extends PaginationQueryDto {
  @TagFilter()
  readonly tag?: string;

  @SearchText()
  readonly q?: string;

  /** Default `-publishedAt`, or `-relevance` when `q` is given. `relevance` needs `q`. */
  @IsSort(PUBLIC_SORT_FIELDS, '-publishedAt')
  readonly sort?: string;

  /**
   * Opaque keyset cursor from `meta.nextCursor`: the next page, found through the index however deep.
   * Use it instead of `page` (not with `relevance`).
   */
  @ValidateIf((_, value) => value !== undefined)
  @MaxLength(1000)
  @IsString()
  @ApiPropertyOptional({ maxLength: 1000 })
  readonly cursor?: string;
}

export const ADMIN_SORT_FIELDS = ['updatedAt', 'createdAt', 'publishedAt', 'title', 'relevance'] as const;

export class AdminListArticlesQuery extends PaginationQueryDto {
  @IsOneOf(ARTICLE_STATUSES, { optional: true, enumName: 'ArticleStatus' })
  readonly status?: ArticleStatus;

  @TagFilter()
  readonly tag?: string;

  @SearchText()
  readonly q?: string;

  /** Default `-updatedAt`, or `-relevance` when `q` is given. */
  @IsSort(ADMIN_SORT_FIELDS, '-updatedAt')
  readonly sort?: string;
}

export class RelatedArticlesQuery {
  @QueryInt({ min: 1, max: 10, default: 3, description: 'How many related articles, 1 to 10.' })
  readonly limit: number = 3;
}

/** A practitioner's articles: newest first, optionally one tag's. */
export class PractitionerArticlesQuery extends PaginationQueryDto {
  @TagFilter()
  readonly tag?: string;

  /** Opaque keyset cursor from `meta.nextCursor`: the next page, found through the index however deep. */
  @ValidateIf((_, value) => value !== undefined)
  @MaxLength(1000)
  @IsString()
  @ApiPropertyOptional({ maxLength: 1000 })
  readonly cursor?: string;
}
