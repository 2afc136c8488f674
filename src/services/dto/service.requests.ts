import { ApiProperty, OmitType, PartialType } from '@nestjs/swagger';
import { IsISO4217CurrencyCode, IsString, Length } from 'class-validator';
import { PaginationQueryDto } from '../../common/pagination/pagination.js';
import { IsSort } from '../../common/pagination/sort.js';
import {
  IsFlag,
  IsNestedObject,
  IsOneOf,
  IsSlug,
  IsText,
  IsWholeNumber,
  QueryBoolean,
} from '../../common/validation/decorators.js';
import { SERVICE_AUDIENCES, SERVICE_FORMATS, type ServiceAudience, type ServiceFormat } from '../service.entity.js';
import { MAX_SERVICE_SLUG_LENGTH } from '../service-slug.js';
import { IsTextList } from '../text-list.js';

export { MAX_SERVICE_SLUG_LENGTH };

export const MAX_DESCRIPTION_LENGTH = 20_000;
export const MAX_FEE = 100_000;
export const MAX_SORT_ORDER = 1_000_000;

export class SlidingScaleInput {
  @IsWholeNumber({ min: 0, max: MAX_FEE, example: 60, description: 'The lowest fee on the scale; not above fee.min.' })
  readonly min!: number;

  @IsText({ max: 300, optional: true, nullable: true, example: 'Ask us: we set the fee with you by income.' })
  readonly note?: string | null;
}

/** What a session costs: whole units of `currency`. */
export class FeeInput {
  @IsWholeNumber({ min: 0, max: MAX_FEE, example: 140 })
  readonly min!: number;

  @IsWholeNumber({ min: 0, max: MAX_FEE, example: 180, description: 'Not below min.' })
  readonly max!: number;

  @IsISO4217CurrencyCode({ message: ({ property }) => `${property} must be an ISO 4217 currency code, e.g. USD` })
  @Length(3, 3)
  @IsString()
  @ApiProperty({ example: 'USD', minLength: 3, maxLength: 3, description: 'ISO 4217, upper case.' })
  readonly currency!: string;

  @IsNestedObject(SlidingScaleInput, { optional: true, nullable: true, description: 'Null: no sliding scale.' })
  readonly slidingScale?: SlidingScaleInput | null;
}

export class CreateServiceRequest {
  /** Fixed once created: testimonials and contact requests name the service by it. */
  @IsSlug({ maxLength: MAX_SERVICE_SLUG_LENGTH, example: 'couples-therapy' })
  readonly slug!: string;

  @IsText({ max: 120, example: 'Couples therapy' })
  readonly name!: string;

  /** Markdown (as articles): raw HTML is shown as text. */
  @IsText({
    min: 0,
    max: MAX_DESCRIPTION_LENGTH,
    multiline: true,
    trim: false,
    example: 'For partners who want to **argue less** and understand each other more.',
    controlCharactersMessage: '$property must not contain control characters',
  })
  readonly description!: string;

  @IsOneOf(SERVICE_AUDIENCES, { enumName: 'ServiceAudience', each: true, example: ['couples'] })
  readonly audiences!: ServiceAudience[];

  @IsOneOf(SERVICE_FORMATS, { enumName: 'ServiceFormat', each: true, example: ['in_person', 'telehealth'] })
  readonly formats!: ServiceFormat[];

  @IsWholeNumber({ min: 5, max: 600, optional: true, nullable: true, example: 50, description: 'Null: not stated.' })
  readonly sessionLengthMinutes?: number | null;

  @IsNestedObject(FeeInput, { optional: true, nullable: true, description: 'Null: no fee published ("ask us").' })
  readonly fee?: FeeInput | null;

  @IsTextList({ maxItems: 50, maxLength: 100, optional: true, example: ['Aetna', 'Blue Shield'] })
  readonly insuranceAccepted?: string[];

  @IsFlag({ optional: true, description: 'Shown on the public website. Default false.' })
  readonly published?: boolean;

  @IsWholeNumber({ min: 0, max: MAX_SORT_ORDER, optional: true, description: 'Lower first. Default 0.' })
  readonly sortOrder?: number;
}

/** Only the fields sent change (`fee` is replaced whole); the slug never changes. */
export class UpdateServiceRequest extends PartialType(OmitType(CreateServiceRequest, ['slug'] as const), {
  skipNullProperties: false,
}) {}

export class ListServicesQuery extends PaginationQueryDto {
  @IsOneOf(SERVICE_AUDIENCES, { enumName: 'ServiceAudience', optional: true })
  readonly audience?: ServiceAudience;

  @IsOneOf(SERVICE_FORMATS, { enumName: 'ServiceFormat', optional: true })
  readonly format?: ServiceFormat;
}

export const ADMIN_SERVICE_SORT_FIELDS = ['sortOrder', 'name', 'createdAt', 'updatedAt'] as const;

export class AdminListServicesQuery extends ListServicesQuery {
  @QueryBoolean({ optional: true, description: 'Only published (`true`) or only hidden (`false`) services.' })
  readonly published?: boolean;

  @IsSort(ADMIN_SERVICE_SORT_FIELDS, 'sortOrder')
  readonly sort?: string;
}
