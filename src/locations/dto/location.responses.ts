import { ApiProperty } from '@nestjs/swagger';
import { VersionedRepresentation } from '../../common/http/response-headers.js';
import type { LocationView } from '../locations.service.js';
import { PhotoResponse } from './photo.dto.js';

export class AddressResponse {
  @ApiProperty({ example: '1200 Harbor Street, Suite 3' })
  readonly street!: string;

  @ApiProperty({ example: 'Portland' })
  readonly locality!: string;

  @ApiProperty({ type: String, nullable: true, example: 'OR' })
  readonly region!: string | null;

  @ApiProperty({ type: String, nullable: true, example: '97209' })
  readonly postalCode!: string | null;

  @ApiProperty({ example: 'US' })
  readonly country!: string;
}

export class GeoResponse {
  @ApiProperty({ example: 45.5231 })
  readonly latitude!: number;

  @ApiProperty({ example: -122.6765 })
  readonly longitude!: number;
}

/** A published location as the public website shows it. */
export class LocationResponse {
  @ApiProperty({ example: 'pearl-district' })
  readonly slug!: string;

  @ApiProperty({ example: 'Pearl District office' })
  readonly name!: string;

  @ApiProperty({ type: AddressResponse })
  readonly address!: AddressResponse;

  @ApiProperty({ type: String, nullable: true, example: '+15035550142' })
  readonly phone!: string | null;

  @ApiProperty({ type: String, nullable: true, example: 'pearl@wellclinic.example' })
  readonly email!: string | null;

  @ApiProperty({ type: GeoResponse, nullable: true })
  readonly geo!: GeoResponse | null;

  /** From the media library; null when it has none. */
  @ApiProperty({ type: PhotoResponse, nullable: true })
  readonly photo!: PhotoResponse | null;

  /** The operating-hours schedule that applies (see `GET /api/v1/hours/{key}`). */
  @ApiProperty({ type: String, nullable: true, example: 'office' })
  readonly hoursKey!: string | null;

  /** Plain text. */
  @ApiProperty({ type: String, nullable: true, example: 'Step-free entrance; lift to all floors.' })
  readonly accessibilityNotes!: string | null;

  /** Plain text. */
  @ApiProperty({ type: String, nullable: true, example: 'Street parking; garage on 12th.' })
  readonly parkingNotes!: string | null;

  @ApiProperty()
  readonly telehealthOnly!: boolean;
}

/** One location with its schema.org description. */
export class LocationDetailResponse extends LocationResponse {
  // A string, not an object: re-serializing a parsed object with JSON.stringify would undo the escaping.
  @ApiProperty({
    description:
      'schema.org `MedicalClinic` (address, geo, telephone, openingHoursSpecification from its schedule) as JSON ' +
      'text to place verbatim inside a script element of type `application/ld+json` (`<`, `>`, `&` escaped).',
    example:
      '{"@context":"https://schema.org","@type":"MedicalClinic","name":"Pearl District office","address":{"@type":"PostalAddress","streetAddress":"1200 Harbor Street","addressLocality":"Portland","addressCountry":"US"}}',
  })
  readonly jsonLd!: string;
}

/** The whole location for staff. */
@VersionedRepresentation()
export class AdminLocationResponse extends LocationResponse {
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

export function mapLocation({ location: l, photo }: LocationView): LocationResponse {
  return {
    slug: l.slug,
    name: l.name,
    address: {
      street: l.street,
      locality: l.locality,
      region: l.region,
      postalCode: l.postalCode,
      country: l.country,
    },
    phone: l.phone,
    email: l.email,
    geo: l.latitude !== null && l.longitude !== null ? { latitude: l.latitude, longitude: l.longitude } : null,
    photo,
    hoursKey: l.hoursKey,
    accessibilityNotes: l.accessibilityNotes,
    parkingNotes: l.parkingNotes,
    telehealthOnly: l.telehealthOnly,
  };
}

export function mapAdminLocation(view: LocationView): AdminLocationResponse {
  const l = view.location;
  return {
    id: l.id,
    ...mapLocation(view),
    published: l.published,
    sortOrder: l.sortOrder,
    version: l.version,
    createdAt: l.createdAt.toISOString(),
    updatedAt: l.updatedAt.toISOString(),
  };
}
