import { ApiProperty, OmitType, PartialType } from '@nestjs/swagger';
import { IsISO31661Alpha2, IsNumber, IsString, Matches, Max, Min } from 'class-validator';
import { PaginationQueryDto } from '../../common/pagination/pagination.js';
import {
  IsEmailAddress,
  IsFlag,
  IsNestedObject,
  IsSlug,
  IsText,
  IsWholeNumber,
  QueryBoolean,
} from '../../common/validation/decorators.js';
import { IsE164 } from '../phone.js';
import { PhotoInput } from './photo.dto.js';

export const MAX_LOCATION_SLUG_LENGTH = 64;

export class AddressInput {
  @IsText({ max: 200, example: '1200 Harbor Street, Suite 3' })
  readonly street!: string;

  @IsText({ max: 100, example: 'Portland', description: 'City or town.' })
  readonly locality!: string;

  @IsText({ max: 100, optional: true, nullable: true, example: 'OR', description: 'State, province or county.' })
  readonly region?: string | null;

  @IsText({ max: 20, optional: true, nullable: true, example: '97209' })
  readonly postalCode?: string | null;

  @IsISO31661Alpha2({ message: ({ property }) => `${property} must be an ISO 3166-1 alpha-2 country code, e.g. US` })
  @Matches(/^[A-Z]{2}$/, { message: ({ property }) => `${property} must be two capital letters, e.g. US` })
  @IsString()
  @ApiProperty({ example: 'US', pattern: '^[A-Z]{2}$', description: 'ISO 3166-1 alpha-2.' })
  readonly country!: string;
}

export class GeoInput {
  @Max(90)
  @Min(-90)
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @ApiProperty({ type: Number, minimum: -90, maximum: 90, example: 45.5231 })
  readonly latitude!: number;

  @Max(180)
  @Min(-180)
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @ApiProperty({ type: Number, minimum: -180, maximum: 180, example: -122.6765 })
  readonly longitude!: number;
}

export class CreateLocationRequest {
  @IsSlug({ maxLength: MAX_LOCATION_SLUG_LENGTH, example: 'pearl-district' })
  readonly slug!: string;

  @IsText({ max: 120, example: 'Pearl District office' })
  readonly name!: string;

  @IsNestedObject(AddressInput)
  readonly address!: AddressInput;

  @IsE164({ optional: true, nullable: true })
  readonly phone?: string | null;

  @IsEmailAddress({ optional: true, nullable: true, example: 'pearl@wellclinic.example' })
  readonly email?: string | null;

  @IsNestedObject(GeoInput, { optional: true, nullable: true })
  readonly geo?: GeoInput | null;

  /** A media library item as its photo (`{ "mediaId": "…" }`, with an optional `alt` of its own); null for none. */
  @IsNestedObject(PhotoInput, { optional: true, nullable: true })
  readonly photo?: PhotoInput | null;

  @IsSlug({
    maxLength: 64,
    optional: true,
    nullable: true,
    example: 'office',
    description: 'The key of the operating-hours schedule that applies here (see `GET /api/v1/hours`).',
  })
  readonly hoursKey?: string | null;

  @IsText({
    max: 1000,
    optional: true,
    nullable: true,
    multiline: true,
    example: 'Step-free entrance; lift to all floors.',
  })
  readonly accessibilityNotes?: string | null;

  @IsText({ max: 1000, optional: true, nullable: true, multiline: true, example: 'Street parking; garage on 12th.' })
  readonly parkingNotes?: string | null;

  @IsFlag({ optional: true, description: 'No in-person visits here. Default false.' })
  readonly telehealthOnly?: boolean;

  @IsFlag({ optional: true, description: 'Shown on the public website. Default false.' })
  readonly published?: boolean;

  @IsWholeNumber({ min: 0, max: 1_000_000, optional: true, description: 'Lower first. Default 0.' })
  readonly sortOrder?: number;
}

/** Only the fields sent change (`address` and `geo` are replaced whole); the slug never changes. */
export class UpdateLocationRequest extends PartialType(OmitType(CreateLocationRequest, ['slug'] as const), {
  skipNullProperties: false,
}) {}

export class ListLocationsQuery extends PaginationQueryDto {
  @QueryBoolean({ optional: true, description: 'Only telehealth-only (`true`) or only visitable (`false`) locations.' })
  readonly telehealthOnly?: boolean;
}

export class AdminListLocationsQuery extends ListLocationsQuery {
  @QueryBoolean({ optional: true, description: 'Only published (`true`) or only hidden (`false`) locations.' })
  readonly published?: boolean;
}
