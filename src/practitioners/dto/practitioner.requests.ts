import { ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayUnique,
  IsArray,
  IsObject,
  IsString,
  Matches,
  MaxLength,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { PaginationQueryDto } from '../../common/pagination/pagination.js';
import {
  IsFlag,
  IsNestedObject,
  IsSlug,
  IsText,
  IsWholeNumber,
  QueryBoolean,
  SLUG_PATTERN,
} from '../../common/validation/decorators.js';
import { PhotoInput } from '../../locations/index.js';
import { IsServiceSlug, IsTextList, MAX_SERVICE_SLUG_LENGTH } from '../../services/index.js';
import { AreLanguageTags } from '../languages.js';

export const MAX_PRACTITIONER_SLUG_LENGTH = 120;
export const MAX_BIO_LENGTH = 20_000;

export class LicenseInput {
  @IsText({ max: 60, example: 'OR', description: 'Where it is valid: a state or other jurisdiction.' })
  readonly state!: string;

  @IsText({ max: 60, example: 'LMFT' })
  readonly type!: string;

  @IsText({ max: 40, example: 'T1234' })
  readonly number!: string;

  @IsFlag({ description: 'Shown publicly (and in JSON-LD); otherwise staff only.' })
  readonly public!: boolean;
}

/** A list of slugs naming records of another feature; unknown ones are 400 naming the field. */
function IsSlugList(noun: string, example: string[]): PropertyDecorator {
  return (target: object, propertyName: string | symbol) => {
    ValidateIf((_, value) => value !== undefined)(target, propertyName);
    Matches(SLUG_PATTERN, {
      each: true,
      message: ({ property }) => `${property} must be slugs: lowercase words joined by single hyphens`,
    })(target, propertyName);
    MaxLength(MAX_SERVICE_SLUG_LENGTH, { each: true })(target, propertyName);
    IsString({ each: true })(target, propertyName);
    ArrayUnique({ message: ({ property }) => `${property} must not list a value twice` })(target, propertyName);
    ArrayMaxSize(50)(target, propertyName);
    IsArray()(target, propertyName);
    ApiPropertyOptional({
      type: [String],
      maxItems: 50,
      example,
      description: `Slugs of ${noun}; an unknown one is refused.`,
    })(target, propertyName);
  };
}

export class CreatePractitionerRequest {
  @IsText({ max: 120, example: 'Maya Lindqvist' })
  readonly name!: string;

  /** Changing it later keeps the old one working publicly (301 to the new one). A slug taken is 409. */
  @IsSlug({ maxLength: MAX_PRACTITIONER_SLUG_LENGTH, example: 'maya-lindqvist' })
  readonly slug!: string;

  @IsText({ max: 40, optional: true, nullable: true, example: 'she/her' })
  readonly pronouns?: string | null;

  @IsText({ max: 120, optional: true, nullable: true, example: 'Licensed Marriage and Family Therapist' })
  readonly jobTitle?: string | null;

  @IsTextList({ maxItems: 10, maxLength: 50, optional: true, example: ['LMFT'] })
  readonly credentials?: string[];

  @ValidateIf((_, value) => value !== undefined)
  @ValidateNested({ each: true })
  @IsObject({ each: true, message: ({ property }) => `each item of ${property} must be an object` })
  @Type(() => LicenseInput)
  @ArrayMaxSize(20)
  @IsArray()
  @ApiPropertyOptional({ type: [LicenseInput], maxItems: 20, description: 'Non-public ones are never shown publicly.' })
  readonly licenses?: LicenseInput[];

  /** A media library item as their photo (`{ "mediaId": "…" }`, with an optional `alt` of its own); null for none. */
  @IsNestedObject(PhotoInput, { optional: true, nullable: true })
  readonly photo?: PhotoInput | null;

  /** Markdown (as articles): raw HTML is shown as text. */
  @IsText({
    min: 0,
    max: MAX_BIO_LENGTH,
    multiline: true,
    trim: false,
    optional: true,
    default: '',
    example: 'Maya works with couples and families through **big transitions**.',
    controlCharactersMessage: '$property must not contain control characters',
  })
  readonly bio?: string;

  @IsTextList({ maxItems: 30, maxLength: 80, optional: true, example: ['anxiety', 'couples'] })
  readonly specialties?: string[];

  @IsTextList({ maxItems: 30, maxLength: 80, optional: true, example: ['CBT', 'EMDR'] })
  readonly approaches?: string[];

  @AreLanguageTags()
  @IsTextList({ maxItems: 20, maxLength: 35, optional: true, example: ['en', 'es-MX'], description: 'BCP 47 tags.' })
  readonly languages?: string[];

  @IsSlugList('services (see `GET /api/v1/services`)', ['couples-therapy'])
  readonly services?: string[];

  @IsSlugList('locations (see `GET /api/v1/locations`)', ['harbor-street'])
  readonly locations?: string[];

  @IsFlag({ optional: true, description: 'Offers telehealth sessions. Default false.' })
  readonly telehealth?: boolean;

  @IsFlag({ optional: true, description: 'Default true.' })
  readonly acceptingNewClients?: boolean;

  @IsText({ max: 300, optional: true, nullable: true, example: 'Waitlist for evening slots.' })
  readonly acceptingNewClientsNote?: string | null;

  @IsWholeNumber({ min: 0, max: 1_000_000, optional: true, description: 'Lower first. Default 0.' })
  readonly sortOrder?: number;

  @IsFlag({ optional: true, description: 'Shown on the public website. Default false (hidden).' })
  readonly published?: boolean;
}

/** Only the fields sent change; lists are replaced whole. */
export class UpdatePractitionerRequest extends PartialType(CreatePractitionerRequest, { skipNullProperties: false }) {}

export class ListPractitionersQuery extends PaginationQueryDto {
  @IsText({ max: 80, optional: true, example: 'anxiety', description: 'Has this specialty (exact, case-insensitive).' })
  readonly specialty?: string;

  @IsText({
    max: 35,
    optional: true,
    example: 'es',
    description: 'Speaks this language: `es` also finds `es-MX` (BCP 47 prefix).',
  })
  @Matches(/^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$/, {
    message: ({ property }) => `${property} must be a BCP 47 language tag, e.g. es`,
  })
  readonly language?: string;

  @IsServiceSlug({ optional: true, description: 'Offers this service (its slug).' })
  readonly service?: string;

  @IsSlug({
    maxLength: 64,
    optional: true,
    example: 'harbor-street',
    description: 'Works at this location (its slug).',
  })
  readonly location?: string;

  @QueryBoolean({ optional: true })
  readonly telehealth?: boolean;

  @QueryBoolean({ optional: true })
  readonly acceptingNewClients?: boolean;
}

export class AdminListPractitionersQuery extends ListPractitionersQuery {
  @QueryBoolean({ optional: true, description: 'Only published (`true`) or only hidden (`false`) practitioners.' })
  readonly published?: boolean;
}
