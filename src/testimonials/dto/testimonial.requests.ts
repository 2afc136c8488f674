import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  Equals,
  IsArray,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  ValidateNested,
  registerDecorator,
} from 'class-validator';
import { IsServiceSlug } from '../../services/index.js';
import { PaginationQueryDto } from '../../common/pagination/pagination.js';
import { IsSort } from '../../common/pagination/sort.js';
import {
  IsFlag,
  IsInstant,
  IsNestedObject,
  IsOneOf,
  IsText,
  IsWholeNumber,
  QueryBoolean,
  QueryInt,
  ValidateUUID,
} from '../../common/validation/decorators.js';
import { CONSENT_METHODS, TESTIMONIAL_SOURCES, TESTIMONIAL_STATUSES } from '../testimonial.entity.js';

export const MAX_QUOTE_LENGTH = 1000;
export const MAX_FIRST_NAME_LENGTH = 40;
export const MAX_SORT_ORDER = 1_000_000;
export const MAX_REORDER_ITEMS = 500;

/** A name: single-line text with at least one letter. */
function IsName(options: {
  max: number;
  optional?: boolean;
  example: string;
  description?: string;
}): PropertyDecorator {
  return applyDecorators(
    IsText(options),
    Matches(/\p{L}/u, { message: ({ property }) => `${property} must contain a letter` }),
  );
}

const QUOTE = {
  max: MAX_QUOTE_LENGTH,
  multiline: true,
  example: 'I finally feel heard. I leave every session lighter.',
};
const FIRST_NAME = { max: MAX_FIRST_NAME_LENGTH, example: 'Ivette' };
const LAST_NAME = {
  max: 100,
  example: 'B',
  description: 'Only its first letter is kept: "Brennan" is stored as "B". Sending just the initial is best.',
};
/**
 * A service's slug: an unknown one is refused (400 naming `service`). The public form takes published services only
 * (a hidden one is refused as an unknown one is, but for the former enum's: FORMER_SERVICE_SLUGS in src/services); staff may name
 * hidden ones too.
 */
const service = (optional: boolean, who: 'public' | 'staff') =>
  IsServiceSlug({
    optional,
    example: 'couples-therapy',
    description:
      who === 'public'
        ? 'The slug of a published service (see `GET /api/v1/services`); an unknown or hidden one is 400 naming ' +
          '`service`, except the five former fixed values (`individual-therapy`, `couples-therapy`, ' +
          '`family-therapy`, `group-therapy`, `other`), taken even while hidden: they were public before services ' +
          'were records. Unknown when absent.'
        : 'The slug of a service, published or hidden (a testimonial may be about a service not on the website ' +
          `yet); an unknown one is 400 naming \`service\`.${optional ? ' Unchanged when absent.' : ''}`,
  });
const RATING = { min: 1, max: 5, optional: true, nullable: true, example: 5, description: 'Stars, 1 to 5.' };

/** A visitor's testimonial from the website form. */
export class SubmitTestimonialRequest {
  @IsText(QUOTE)
  readonly quote!: string;

  @IsName(FIRST_NAME)
  readonly firstName!: string;

  @IsName(LAST_NAME)
  readonly lastName!: string;

  @service(true, 'public')
  readonly service?: string;

  @IsWholeNumber(RATING)
  readonly rating?: number | null;

  /** Must be literally `true`: nothing is published without the author's consent. */
  @Equals(true, { message: ({ property }) => `${property} must be true: a testimonial needs its author's consent` })
  @ApiProperty({ type: Boolean, enum: [true], example: true })
  readonly consent!: true;

  @IsText({ max: 40, example: '2026-01', description: 'The version of the consent wording the visitor agreed to.' })
  readonly consentTextVersion!: string;

  /** Anti-spam field hidden from people: leave it empty or out. */
  @IsOptional()
  @MaxLength(500)
  @IsString()
  @ApiPropertyOptional({ type: String, nullable: true, maxLength: 500, example: '' })
  readonly website?: string | null;
}

/** The record of a client's consent to publication. */
export class ConsentInput {
  @IsInstant({ description: 'When the client gave consent; not in the future.', example: '2026-11-20T15:30:00Z' })
  readonly givenAt!: string;

  @IsText({ max: 40, example: '2026-01', description: 'The version of the consent wording the client agreed to.' })
  readonly textVersion!: string;

  @IsOneOf(CONSENT_METHODS, { enumName: 'ConsentMethod', example: 'email' })
  readonly method!: (typeof CONSENT_METHODS)[number];
}

/** A testimonial staff received by email or in person; it starts `pending`. */
export class CreateTestimonialRequest {
  @IsText(QUOTE)
  readonly quote!: string;

  @IsName(FIRST_NAME)
  readonly firstName!: string;

  @IsName(LAST_NAME)
  readonly lastName!: string;

  @service(false, 'staff')
  readonly service!: string;

  @IsWholeNumber(RATING)
  readonly rating?: number | null;

  @IsOneOf(TESTIMONIAL_SOURCES, { enumName: 'TestimonialSource', example: 'email' })
  readonly source!: (typeof TESTIMONIAL_SOURCES)[number];

  @IsNestedObject(ConsentInput)
  readonly consent!: ConsentInput;

  @IsFlag({ optional: true, description: 'Shown before the others. Default false.' })
  readonly featured?: boolean;

  @IsWholeNumber({ min: 0, max: MAX_SORT_ORDER, optional: true, description: 'Lower first. Default 0.' })
  readonly sortOrder?: number;
}

/** Only the fields sent change. A withdrawn testimonial cannot be edited. */
export class UpdateTestimonialRequest {
  @IsText({ ...QUOTE, optional: true })
  readonly quote?: string;

  @IsName({ ...FIRST_NAME, optional: true })
  readonly firstName?: string;

  @IsName({ ...LAST_NAME, optional: true })
  readonly lastName?: string;

  @service(true, 'staff')
  readonly service?: string;

  @IsWholeNumber(RATING)
  readonly rating?: number | null;

  @IsFlag({ optional: true })
  readonly featured?: boolean;

  @IsWholeNumber({ min: 0, max: MAX_SORT_ORDER, optional: true })
  readonly sortOrder?: number;
}

export class SortOrderItem {
  @ValidateUUID()
  readonly id!: string;

  @IsWholeNumber({ min: 0, max: MAX_SORT_ORDER, example: 10 })
  readonly sortOrder!: number;
}

/** No id twice in one request. */
function UniqueIds(): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'uniqueIds',
      target: target.constructor,
      propertyName: String(propertyName),
      options: { message: ({ property }) => `${property} must not list a testimonial twice` },
      validator: {
        validate: (value: unknown) =>
          !Array.isArray(value) ||
          new Set(value.map((item: unknown) => (item as { id?: unknown } | null)?.id)).size === value.length,
      },
    });
}

/** Sets the `sortOrder` of several testimonials in one transaction. */
export class ReorderTestimonialsRequest {
  @UniqueIds()
  @ValidateNested({ each: true })
  @IsObject({ each: true, message: ({ property }) => `each item of ${property} must be an object` })
  @Type(() => SortOrderItem)
  @ArrayMaxSize(MAX_REORDER_ITEMS)
  @ArrayMinSize(1)
  @IsArray()
  @ApiProperty({ type: [SortOrderItem], minItems: 1, maxItems: MAX_REORDER_ITEMS })
  readonly items!: SortOrderItem[];
}

export class ListTestimonialsQuery extends PaginationQueryDto {
  @IsServiceSlug({ optional: true, example: 'couples-therapy', description: 'A service’s slug.' })
  readonly service?: string;

  @QueryBoolean({ optional: true, description: 'Only featured (`true`) or only other (`false`) testimonials.' })
  readonly featured?: boolean;
}

export const ADMIN_SORT_FIELDS = ['createdAt', 'updatedAt', 'approvedAt', 'sortOrder'] as const;

export class AdminListTestimonialsQuery extends ListTestimonialsQuery {
  @IsOneOf(TESTIMONIAL_STATUSES, { enumName: 'TestimonialStatus', optional: true })
  readonly status?: (typeof TESTIMONIAL_STATUSES)[number];

  @QueryBoolean({ optional: true, description: 'Only honeypot catches (`true`) or only the others (`false`).' })
  readonly spam?: boolean;

  @IsSort(ADMIN_SORT_FIELDS, '-createdAt')
  readonly sort?: string;
}

export class TestimonialChangesQuery {
  @IsText({
    max: 200,
    optional: true,
    description: '`meta.nextCursor` of your last call; absent replays the feed from its beginning.',
  })
  readonly cursor?: string;

  @QueryInt({ min: 1, max: 500, default: 100, description: 'Changes per call.' })
  readonly limit: number = 100;
}
