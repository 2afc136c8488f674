import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { CHANGE_OPS, type ChangeOp } from '../testimonial-change.entity.js';
import type { FeedChange } from '../testimonial-change-feed.service.js';
import { displayNameOf, publicView, type TestimonialFeedView } from '../testimonial-content.js';
import {
  CONSENT_METHODS,
  type ConsentMethod,
  type Testimonial,
  TESTIMONIAL_SOURCES,
  TESTIMONIAL_STATUSES,
  type TestimonialSource,
  type TestimonialStatus,
} from '../testimonial.entity.js';
import { VersionedRepresentation } from '../../common/http/response-headers.js';

/** An approved testimonial as the public website shows it. */
export class TestimonialResponse {
  @ApiProperty({ format: 'uuid' })
  readonly id!: string;

  /** Plain text (escape it when rendering). */
  @ApiProperty({ example: 'I finally feel heard. I leave every session lighter.' })
  readonly quote!: string;

  /** First name and last initial: all that is ever shown of the author. */
  @ApiProperty({ example: 'Ivette B' })
  readonly displayName!: string;

  /** The slug of a service (see `GET /api/v1/services`); null when not said. */
  @ApiProperty({ type: String, nullable: true, example: 'couples-therapy' })
  readonly service!: string | null;

  @ApiProperty({ type: 'integer', minimum: 1, maximum: 5, nullable: true, example: 5 })
  readonly rating!: number | null;

  @ApiProperty()
  readonly featured!: boolean;

  @ApiProperty({ format: 'date-time' })
  readonly approvedAt!: string;
}

/** What integrations receive: the public fields and the staff's order. */
export class FeedTestimonialResponse extends TestimonialResponse {
  @ApiProperty({ type: 'integer', example: 0, description: 'Lower first, after the featured ones.' })
  readonly sortOrder!: number;
}

export class TestimonialSubmissionResponse {
  @ApiProperty({ format: 'uuid' })
  readonly id!: string;

  /** Staff review every submission before anything is shown. */
  @ApiProperty({ enum: ['pending'] })
  readonly status!: 'pending';
}

export class ConsentResponse {
  @ApiProperty({ format: 'date-time' })
  readonly givenAt!: string;

  @ApiProperty({ example: '2026-01' })
  readonly textVersion!: string;

  @ApiProperty({ enum: CONSENT_METHODS, enumName: 'ConsentMethod' })
  readonly method!: ConsentMethod;
}

/** The whole testimonial for staff. After withdrawal, `quote`, the name and `rating` are null. */
@VersionedRepresentation()
export class AdminTestimonialResponse {
  @ApiProperty({ format: 'uuid' })
  readonly id!: string;

  @ApiProperty({ type: String, nullable: true })
  readonly quote!: string | null;

  @ApiProperty({ type: String, nullable: true, example: 'Ivette' })
  readonly firstName!: string | null;

  @ApiProperty({ type: String, nullable: true, example: 'B' })
  readonly lastInitial!: string | null;

  /** Empty after withdrawal. */
  @ApiProperty({ example: 'Ivette B' })
  readonly displayName!: string;

  /** The slug of a service (see `GET /api/v1/services`); null when not said. */
  @ApiProperty({ type: String, nullable: true, example: 'couples-therapy' })
  readonly service!: string | null;

  @ApiProperty({ type: 'integer', minimum: 1, maximum: 5, nullable: true })
  readonly rating!: number | null;

  @ApiProperty({ enum: TESTIMONIAL_SOURCES, enumName: 'TestimonialSource' })
  readonly source!: TestimonialSource;

  @ApiProperty({ enum: TESTIMONIAL_STATUSES, enumName: 'TestimonialStatus' })
  readonly status!: TestimonialStatus;

  /** A website submission that filled the anti-spam field (stored as rejected). */
  @ApiProperty()
  readonly spam!: boolean;

  @ApiProperty()
  readonly featured!: boolean;

  @ApiProperty({ type: 'integer' })
  readonly sortOrder!: number;

  @ApiProperty({ type: ConsentResponse })
  readonly consent!: ConsentResponse;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  readonly approvedAt!: string | null;

  @ApiProperty({ type: String, format: 'uuid', nullable: true })
  readonly approvedBy!: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  readonly rejectedAt!: string | null;

  @ApiProperty({ type: String, format: 'uuid', nullable: true })
  readonly rejectedBy!: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  readonly withdrawnAt!: string | null;

  @ApiProperty({ type: String, format: 'uuid', nullable: true })
  readonly withdrawnBy!: string | null;

  /** Also the ETag `"v<version>"` to send in `If-Match`. */
  @ApiProperty({ type: 'integer', example: 1 })
  readonly version!: number;

  /** The staff member who entered it; null for website submissions. */
  @ApiProperty({ type: String, format: 'uuid', nullable: true })
  readonly createdBy!: string | null;

  @ApiProperty({ format: 'date-time' })
  readonly createdAt!: string;

  @ApiProperty({ format: 'date-time' })
  readonly updatedAt!: string;
}

export class TestimonialChangeResponse {
  /** Position in the feed; increases in commit order (with gaps). */
  @ApiProperty({ type: 'integer', example: 42 })
  readonly seq!: number;

  /** `upsert`: show (or replace) this testimonial; `delete`: remove it wherever it is shown. */
  @ApiProperty({ enum: CHANGE_OPS, enumName: 'TestimonialChangeOp' })
  readonly op!: ChangeOp;

  @ApiProperty({ format: 'uuid' })
  readonly id!: string;

  @ApiProperty({ format: 'date-time' })
  readonly changedAt!: string;

  /** Present on upserts only. */
  @ApiPropertyOptional({ type: FeedTestimonialResponse })
  readonly testimonial?: FeedTestimonialResponse;
}

export class ChangeFeedMeta {
  /** Store it and send it as `cursor` next time; it is returned even when nothing changed. */
  @ApiProperty({ example: 'WyJ0ZXN0aW1vbmlhbC1jaGFuZ2VzIiw0Ml0' })
  readonly nextCursor!: string;

  /** More changes are waiting: call again right away. */
  @ApiProperty()
  readonly hasMore!: boolean;
}

export class TestimonialChangesResponse {
  @ApiProperty({ type: [TestimonialChangeResponse] })
  readonly data!: TestimonialChangeResponse[];

  @ApiProperty({ type: ChangeFeedMeta })
  readonly meta!: ChangeFeedMeta;
}

export class SnapshotMeta {
  /** Where the change feed continues from this snapshot. */
  @ApiProperty({ example: 'WyJ0ZXN0aW1vbmlhbC1jaGFuZ2VzIiw0Ml0' })
  readonly nextCursor!: string;

  @ApiProperty({ type: 'integer', example: 3 })
  readonly total!: number;
}

export class TestimonialSnapshotResponse {
  @ApiProperty({ type: [FeedTestimonialResponse] })
  readonly data!: FeedTestimonialResponse[];

  @ApiProperty({ type: SnapshotMeta })
  readonly meta!: SnapshotMeta;
}

export const mapTestimonial = (t: Testimonial): TestimonialResponse => publicView(t);

export function mapAdminTestimonial(t: Testimonial): AdminTestimonialResponse {
  const iso = (d: Date | null) => d?.toISOString() ?? null;
  return {
    id: t.id,
    quote: t.quote,
    firstName: t.firstName,
    lastInitial: t.lastInitial,
    displayName: displayNameOf(t.firstName, t.lastInitial),
    service: t.service,
    rating: t.rating,
    source: t.source,
    status: t.status,
    spam: t.spam,
    featured: t.featured,
    sortOrder: t.sortOrder,
    consent: { givenAt: t.consentGivenAt.toISOString(), textVersion: t.consentTextVersion, method: t.consentMethod },
    approvedAt: iso(t.approvedAt),
    approvedBy: t.approvedBy,
    rejectedAt: iso(t.rejectedAt),
    rejectedBy: t.rejectedBy,
    withdrawnAt: iso(t.withdrawnAt),
    withdrawnBy: t.withdrawnBy,
    version: t.version,
    createdBy: t.createdBy,
    createdAt: t.createdAt.toISOString(),
    updatedAt: t.updatedAt.toISOString(),
  };
}

export function mapChange(change: FeedChange): TestimonialChangeResponse {
  return {
    seq: change.seq,
    op: change.op,
    id: change.id,
    changedAt: change.changedAt.toISOString(),
    ...(change.testimonial ? { testimonial: change.testimonial satisfies TestimonialFeedView } : {}),
  };
}
