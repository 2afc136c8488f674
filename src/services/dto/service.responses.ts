import { ApiProperty } from '@nestjs/swagger';
import { VersionedRepresentation } from '../../common/http/response-headers.js';
import {
  type Service,
  SERVICE_AUDIENCES,
  SERVICE_FORMATS,
  type ServiceAudience,
  type ServiceFormat,
} from '../service.entity.js';

export class SlidingScaleResponse {
  @ApiProperty({ type: 'integer', example: 60 })
  readonly min!: number;

  @ApiProperty({ type: String, nullable: true, example: 'Ask us: we set the fee with you by income.' })
  readonly note!: string | null;
}

export class FeeResponse {
  @ApiProperty({ type: 'integer', example: 140 })
  readonly min!: number;

  @ApiProperty({ type: 'integer', example: 180 })
  readonly max!: number;

  @ApiProperty({ example: 'USD' })
  readonly currency!: string;

  @ApiProperty({ type: SlidingScaleResponse, nullable: true })
  readonly slidingScale!: SlidingScaleResponse | null;
}

/** Who offers a service, as the service's page lists them. */
export class ServicePractitionerResponse {
  @ApiProperty({ example: 'elena-marsh' })
  readonly slug!: string;

  @ApiProperty({ example: 'Elena Marsh' })
  readonly name!: string;

  @ApiProperty({ type: [String], example: ['LMFT'] })
  readonly credentials!: string[];
}

/** A published service as the public website shows it. */
export class ServiceResponse {
  @ApiProperty({ example: 'couples-therapy' })
  readonly slug!: string;

  @ApiProperty({ example: 'Couples therapy' })
  readonly name!: string;

  @ApiProperty({ example: 'For partners who want to **argue less** and understand each other more.' })
  readonly description!: string;

  /** Sanitized HTML rendered from `description`. */
  @ApiProperty({
    example: '<p>For partners who want to <strong>argue less</strong> and understand each other more.</p>',
  })
  readonly descriptionHtml!: string;

  @ApiProperty({ enum: SERVICE_AUDIENCES, enumName: 'ServiceAudience', isArray: true, example: ['couples'] })
  readonly audiences!: ServiceAudience[];

  @ApiProperty({ enum: SERVICE_FORMATS, enumName: 'ServiceFormat', isArray: true, example: ['in_person'] })
  readonly formats!: ServiceFormat[];

  @ApiProperty({ type: 'integer', nullable: true, example: 50 })
  readonly sessionLengthMinutes!: number | null;

  /** Null: no fee published ("ask us"). */
  @ApiProperty({ type: FeeResponse, nullable: true })
  readonly fee!: FeeResponse | null;

  @ApiProperty({ type: [String], example: ['Aetna', 'Blue Shield'] })
  readonly insuranceAccepted!: string[];
}

/** One published service with who offers it. */
export class ServiceDetailResponse extends ServiceResponse {
  /** Published practitioners offering it, in the clinic's order (see `GET /api/v1/practitioners/{slug}`). */
  @ApiProperty({ type: [ServicePractitionerResponse] })
  readonly practitioners!: ServicePractitionerResponse[];
}

/** The whole service for staff. */
@VersionedRepresentation()
export class AdminServiceResponse extends ServiceResponse {
  @ApiProperty({ format: 'uuid' })
  readonly id!: string;

  @ApiProperty()
  readonly published!: boolean;

  @ApiProperty({ type: 'integer', example: 0 })
  readonly sortOrder!: number;

  /** Also the ETag `"v<version>"` to send in `If-Match`. */
  @ApiProperty({ type: 'integer', example: 1 })
  readonly version!: number;

  @ApiProperty({ format: 'date-time' })
  readonly createdAt!: string;

  @ApiProperty({ format: 'date-time' })
  readonly updatedAt!: string;
}

export function mapService(s: Service): ServiceResponse {
  return {
    slug: s.slug,
    name: s.name,
    description: s.description,
    descriptionHtml: s.descriptionHtml,
    audiences: s.audiences,
    formats: s.formats,
    sessionLengthMinutes: s.sessionLengthMinutes,
    fee:
      s.feeMin === null || s.feeMax === null || s.feeCurrency === null
        ? null
        : {
            min: s.feeMin,
            max: s.feeMax,
            currency: s.feeCurrency,
            slidingScale: s.slidingScaleMin === null ? null : { min: s.slidingScaleMin, note: s.slidingScaleNote },
          },
    insuranceAccepted: s.insuranceAccepted,
  };
}

export function mapAdminService(s: Service): AdminServiceResponse {
  return {
    id: s.id,
    ...mapService(s),
    published: s.published,
    sortOrder: s.sortOrder,
    version: s.version,
    createdAt: s.createdAt.toISOString(),
    updatedAt: s.updatedAt.toISOString(),
  };
}

export function mapServiceDetail(s: Service, practitioners: ServicePractitionerResponse[]): ServiceDetailResponse {
  return { ...mapService(s), practitioners };
}
