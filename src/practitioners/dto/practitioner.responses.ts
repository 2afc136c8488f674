import { ApiProperty } from '@nestjs/swagger';
import { VersionedRepresentation } from '../../common/http/response-headers.js';
import { PhotoResponse } from '../../locations/index.js';
import type { PractitionerView } from '../practitioner-view.js';

export class PublicLicenseResponse {
  @ApiProperty({ example: 'OR' })
  readonly state!: string;

  @ApiProperty({ example: 'LMFT' })
  readonly type!: string;

  @ApiProperty({ example: 'T1234' })
  readonly number!: string;
}

export class LicenseResponse extends PublicLicenseResponse {
  @ApiProperty({ description: 'Shown publicly.' })
  readonly public!: boolean;
}

/** A published practitioner as the public list shows them. */
export class PractitionerResponse {
  @ApiProperty({ example: 'maya-lindqvist' })
  readonly slug!: string;

  @ApiProperty({ example: 'Maya Lindqvist' })
  readonly name!: string;

  @ApiProperty({ type: String, nullable: true, example: 'she/her' })
  readonly pronouns!: string | null;

  @ApiProperty({ type: String, nullable: true, example: 'Licensed Marriage and Family Therapist' })
  readonly jobTitle!: string | null;

  @ApiProperty({ type: [String], example: ['LMFT'] })
  readonly credentials!: string[];

  /** From the media library; null when they have none. */
  @ApiProperty({ type: PhotoResponse, nullable: true })
  readonly photo!: PhotoResponse | null;

  @ApiProperty({ type: [String], example: ['anxiety', 'couples'] })
  readonly specialties!: string[];

  @ApiProperty({ type: [String], example: ['EFT', 'Gottman Method'] })
  readonly approaches!: string[];

  /** BCP 47. */
  @ApiProperty({ type: [String], example: ['en', 'sv'] })
  readonly languages!: string[];

  /** Slugs of the published services they offer. */
  @ApiProperty({ type: [String], example: ['couples-therapy'] })
  readonly services!: string[];

  /** Slugs of the published locations they work at. */
  @ApiProperty({ type: [String], example: ['harbor-street'] })
  readonly locations!: string[];

  @ApiProperty()
  readonly telehealth!: boolean;

  @ApiProperty()
  readonly acceptingNewClients!: boolean;

  @ApiProperty({ type: String, nullable: true, example: 'Waitlist for evening slots.' })
  readonly acceptingNewClientsNote!: string | null;
}

/** One published practitioner with their bio, public licences and schema.org description. */
export class PractitionerDetailResponse extends PractitionerResponse {
  @ApiProperty({ example: 'Maya works with couples and families through **big transitions**.' })
  readonly bio!: string;

  /** Sanitized HTML rendered from `bio`. */
  @ApiProperty({ example: '<p>Maya works with couples and families through <strong>big transitions</strong>.</p>' })
  readonly bioHtml!: string;

  /** The public ones only. */
  @ApiProperty({ type: [PublicLicenseResponse] })
  readonly licenses!: PublicLicenseResponse[];

  // A string, not an object: re-serializing a parsed object with JSON.stringify would undo the escaping.
  @ApiProperty({
    description:
      'schema.org `Person` (jobTitle, knowsLanguage, hasCredential, worksFor) as JSON text to place verbatim ' +
      'inside a script element of type `application/ld+json` (`<`, `>`, `&` escaped).',
    example: '{"@context":"https://schema.org","@type":"Person","name":"Maya Lindqvist","knowsLanguage":["en"]}',
  })
  readonly jsonLd!: string;
}

/** The whole practitioner for staff: every licence, hidden ones, all services and locations named. */
@VersionedRepresentation()
export class AdminPractitionerResponse extends PractitionerResponse {
  @ApiProperty({ format: 'uuid' })
  readonly id!: string;

  @ApiProperty({ example: 'Maya works with couples and families through **big transitions**.' })
  readonly bio!: string;

  @ApiProperty({ example: '<p>Maya works with couples and families through <strong>big transitions</strong>.</p>' })
  readonly bioHtml!: string;

  @ApiProperty({ type: [LicenseResponse] })
  readonly licenses!: LicenseResponse[];

  @ApiProperty()
  readonly published!: boolean;

  @ApiProperty({ type: 'integer', example: 0 })
  readonly sortOrder!: number;

  /** Old slugs that redirect (301) to the current one. */
  @ApiProperty({ type: [String], example: ['maya-l'] })
  readonly previousSlugs!: string[];

  /** Also the ETag `"v<version>"` to send in `If-Match`. */
  @ApiProperty({ type: 'integer', example: 1 })
  readonly version!: number;

  @ApiProperty({ format: 'date-time' })
  readonly createdAt!: string;

  @ApiProperty({ format: 'date-time' })
  readonly updatedAt!: string;
}

export function mapPractitioner({
  practitioner: p,
  services,
  locations,
  photo,
}: PractitionerView): PractitionerResponse {
  return {
    slug: p.slug,
    name: p.name,
    pronouns: p.pronouns,
    jobTitle: p.jobTitle,
    credentials: p.credentials,
    photo,
    specialties: p.specialties,
    approaches: p.approaches,
    languages: p.languages,
    services,
    locations: locations.map((l) => l.slug),
    telehealth: p.telehealth,
    acceptingNewClients: p.acceptingNewClients,
    acceptingNewClientsNote: p.acceptingNewClientsNote,
  };
}

export function mapPractitionerDetail(view: PractitionerView, jsonLd: string): PractitionerDetailResponse {
  const p = view.practitioner;
  return {
    ...mapPractitioner(view),
    bio: p.bio,
    bioHtml: p.bioHtml,
    licenses: p.licenses.filter((l) => l.public).map(({ state, type, number }) => ({ state, type, number })),
    jsonLd,
  };
}

export function mapAdminPractitioner(view: PractitionerView, previousSlugs: string[]): AdminPractitionerResponse {
  const p = view.practitioner;
  return {
    id: p.id,
    ...mapPractitioner(view),
    bio: p.bio,
    bioHtml: p.bioHtml,
    licenses: p.licenses.map(({ state, type, number, public: isPublic }) => ({
      state,
      type,
      number,
      public: isPublic,
    })),
    published: p.published,
    sortOrder: p.sortOrder,
    previousSlugs,
    version: p.version,
    createdAt: p.createdAt.toISOString(),
    updatedAt: p.updatedAt.toISOString(),
  };
}
