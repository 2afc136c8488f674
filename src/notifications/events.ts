import { randomUUID } from 'node:crypto';
import type { Type } from '@nestjs/common';
import { ApiExtraModels, ApiProperty, ApiSchema } from '@nestjs/swagger';
import type { TraceContext } from '../common/tracing/trace-context.js';
import type { OutboxEvent } from './outbox.service.js';

export type { OutboxEvent } from './outbox.service.js';

/**
 * The catalogue of events: their names, and the payload of each as a documented class (a component schema of the
 * OpenAPI document, `<Name>Event`). Payloads go to third parties as they are: ids, slugs, references, statuses, cache
 * tags and timestamps, never personal data (no names, contact details, messages or testimonial words).
 */

export const CONTACT_REQUEST_CREATED = 'contact_request.created';
export const CONTACT_REQUEST_REPLY_OVERDUE = 'contact_request.reply_overdue';
export const ARTICLE_PUBLISHED = 'article.published';
export const ARTICLE_UPDATED = 'article.updated';
export const ARTICLE_UNPUBLISHED = 'article.unpublished';
export const ARTICLE_ARCHIVED = 'article.archived';
export const ARTICLE_DELETED = 'article.deleted';
export const TESTIMONIAL_APPROVED = 'testimonial.approved';
export const TESTIMONIAL_UPDATED = 'testimonial.updated';
export const TESTIMONIAL_UNPUBLISHED = 'testimonial.unpublished';
export const TESTIMONIAL_WITHDRAWN = 'testimonial.withdrawn';
export const HOURS_CHANGED = 'hours.changed';

const UUID_EXAMPLE = '0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21';
const INSTANT_EXAMPLE = '2026-03-02T09:30:00.000Z';

/** What every payload starts with. */
abstract class EventPayload {
  /** The event's name; receivers may subscribe to some only. */
  abstract readonly event: string;

  /** The event's own id, the same on every delivery and redelivery of it: receivers drop one they have seen. */
  @ApiProperty({ format: 'uuid', example: UUID_EXAMPLE })
  readonly id!: string;

  /** When the change took effect (a scheduled publication: its `publishedAt`; an overdue reply: the promised time). */
  @ApiProperty({ format: 'date-time', example: INSTANT_EXAMPLE })
  readonly occurredAt!: string;
}

/** An event about public content: front ends revalidate these tags (`revalidateTag`, a CDN purge). */
abstract class ContentEventPayload extends EventPayload {
  /** The same tags the public responses carry in `Cache-Tag`: the resource's collection, then the resource itself. */
  @ApiProperty({ type: [String], example: ['articles', `article:${UUID_EXAMPLE}`] })
  readonly cacheTags!: string[];
}

// Contact requests: the reference and channel only, never who wrote or what.

@ApiSchema({ description: '`contact_request.created`: a request arrived (spam is not announced).' })
export class ContactRequestCreatedEvent extends EventPayload {
  @ApiProperty({ enum: [CONTACT_REQUEST_CREATED] })
  readonly event!: typeof CONTACT_REQUEST_CREATED;

  @ApiProperty({ format: 'uuid', example: UUID_EXAMPLE })
  readonly contactRequestId!: string;

  /** What the person was told, `CR-7K3F9Q`: staff find the request by it. */
  @ApiProperty({ example: 'CR-7K3F9Q' })
  readonly reference!: string;

  @ApiProperty({ enum: ['text', 'call', 'email'] })
  readonly channel!: string;

  @ApiProperty({ format: 'date-time', example: INSTANT_EXAMPLE })
  readonly createdAt!: string;

  /** The reply time the person was promised. */
  @ApiProperty({ format: 'date-time', example: INSTANT_EXAMPLE })
  readonly expectedReplyBy!: string;
}

@ApiSchema({
  description:
    '`contact_request.reply_overdue`: a request is still `new` after the reply time it was promised. Once per request.',
})
export class ContactRequestReplyOverdueEvent extends EventPayload {
  @ApiProperty({ enum: [CONTACT_REQUEST_REPLY_OVERDUE] })
  readonly event!: typeof CONTACT_REQUEST_REPLY_OVERDUE;

  @ApiProperty({ format: 'uuid', example: UUID_EXAMPLE })
  readonly contactRequestId!: string;

  @ApiProperty({ example: 'CR-7K3F9Q' })
  readonly reference!: string;

  @ApiProperty({ enum: ['text', 'call', 'email'] })
  readonly channel!: string;

  @ApiProperty({ format: 'date-time', example: INSTANT_EXAMPLE })
  readonly createdAt!: string;

  @ApiProperty({ format: 'date-time', example: INSTANT_EXAMPLE })
  readonly expectedReplyBy!: string;
}

// Articles: what a front end needs to revalidate the article's pages and lists.

abstract class ArticleEventPayload extends ContentEventPayload {
  @ApiProperty({ format: 'uuid', example: UUID_EXAMPLE })
  readonly articleId!: string;

  /** Its public URL is `/articles/{slug}`. */
  @ApiProperty({ example: 'being-kind-to-yourself' })
  readonly slug!: string;

  /** The version the change made (the staff ETag `"v<version>"`); for a deletion, the last one. */
  @ApiProperty({ type: 'integer', minimum: 1, example: 3 })
  readonly version!: number;
}

@ApiSchema({
  description:
    '`article.published`: an article went live: at once when published with a past or present `publishedAt`, or when ' +
    'its scheduled `publishedAt` arrives (emitted then, once, by a job that runs on one instance at a time).',
})
export class ArticlePublishedEvent extends ArticleEventPayload {
  @ApiProperty({ enum: [ARTICLE_PUBLISHED] })
  readonly event!: typeof ARTICLE_PUBLISHED;

  @ApiProperty({ format: 'date-time', example: INSTANT_EXAMPLE })
  readonly publishedAt!: string;
}

@ApiSchema({
  description:
    '`article.updated`: a live article changed (an edit or a restored revision that changed something). Drafts, ' +
    'scheduled and archived articles do not emit it.',
})
export class ArticleUpdatedEvent extends ArticleEventPayload {
  @ApiProperty({ enum: [ARTICLE_UPDATED] })
  readonly event!: typeof ARTICLE_UPDATED;

  @ApiProperty({ format: 'date-time', example: INSTANT_EXAMPLE })
  readonly publishedAt!: string;

  /** The slug before this change when it changed (that URL now redirects), else null. */
  @ApiProperty({ type: String, nullable: true, example: null })
  readonly previousSlug!: string | null;
}

@ApiSchema({
  description:
    '`article.unpublished`: a published article went back to draft (a scheduled one too, before it went live).',
})
export class ArticleUnpublishedEvent extends ArticleEventPayload {
  @ApiProperty({ enum: [ARTICLE_UNPUBLISHED] })
  readonly event!: typeof ARTICLE_UNPUBLISHED;
}

@ApiSchema({ description: '`article.archived`: an article (draft or published) was archived: off the site for good.' })
export class ArticleArchivedEvent extends ArticleEventPayload {
  @ApiProperty({ enum: [ARTICLE_ARCHIVED] })
  readonly event!: typeof ARTICLE_ARCHIVED;

  /** Kept as history when it had been published. */
  @ApiProperty({ type: String, format: 'date-time', nullable: true, example: INSTANT_EXAMPLE })
  readonly publishedAt!: string | null;
}

@ApiSchema({ description: '`article.deleted`: an article was deleted, whatever its status.' })
export class ArticleDeletedEvent extends ArticleEventPayload {
  @ApiProperty({ enum: [ARTICLE_DELETED] })
  readonly event!: typeof ARTICLE_DELETED;

  @ApiProperty({ enum: ['draft', 'published', 'archived'] })
  readonly status!: string;
}

// Testimonials: ids and dates only, never the words or the name.

abstract class TestimonialEventPayload extends ContentEventPayload {
  @ApiProperty({ format: 'uuid', example: UUID_EXAMPLE })
  readonly testimonialId!: string;

  @ApiProperty({ type: 'integer', minimum: 1, example: 2 })
  readonly version!: number;
}

@ApiSchema({ description: '`testimonial.approved`: a testimonial became public.' })
export class TestimonialApprovedEvent extends TestimonialEventPayload {
  @ApiProperty({ enum: [TESTIMONIAL_APPROVED] })
  readonly event!: typeof TESTIMONIAL_APPROVED;

  @ApiProperty({ format: 'date-time', example: INSTANT_EXAMPLE })
  readonly approvedAt!: string;
}

@ApiSchema({
  description:
    '`testimonial.updated`: what the public sees of an approved testimonial changed (an edit, a new order). Edits ' +
    'of pending or rejected ones do not emit it.',
})
export class TestimonialUpdatedEvent extends TestimonialEventPayload {
  @ApiProperty({ enum: [TESTIMONIAL_UPDATED] })
  readonly event!: typeof TESTIMONIAL_UPDATED;
}

export const TESTIMONIAL_UNPUBLISHED_REASONS = ['rejected', 'deleted'] as const;

@ApiSchema({
  description:
    '`testimonial.unpublished`: a public testimonial stopped being public: rejected after its approval, or deleted. ' +
    'Front ends drop it; ones that were never public do not emit it (withdrawal emits `testimonial.withdrawn`).',
})
export class TestimonialUnpublishedEvent extends TestimonialEventPayload {
  @ApiProperty({ enum: [TESTIMONIAL_UNPUBLISHED] })
  readonly event!: typeof TESTIMONIAL_UNPUBLISHED;

  /** What took it off the site; for a deletion, `version` is its last one. */
  @ApiProperty({ enum: TESTIMONIAL_UNPUBLISHED_REASONS })
  readonly reason!: (typeof TESTIMONIAL_UNPUBLISHED_REASONS)[number];
}

@ApiSchema({
  description:
    '`testimonial.withdrawn`: the client withdrew consent; its words and name are erased. Partners holding a copy ' +
    'delete it.',
})
export class TestimonialWithdrawnEvent extends TestimonialEventPayload {
  @ApiProperty({ enum: [TESTIMONIAL_WITHDRAWN] })
  readonly event!: typeof TESTIMONIAL_WITHDRAWN;

  @ApiProperty({ format: 'date-time', example: INSTANT_EXAMPLE })
  readonly withdrawnAt!: string;

  /** Whether it was public until now. */
  @ApiProperty()
  readonly wasPublic!: boolean;
}

// Operating hours.

export const HOURS_CHANGES = [
  'schedule_created',
  'schedule_replaced',
  'schedule_deleted',
  'exception_created',
  'exception_updated',
  'exception_deleted',
] as const;

@ApiSchema({
  description: '`hours.changed`: a schedule or one of its exceptions was created, replaced, changed or deleted.',
})
export class HoursChangedEvent extends ContentEventPayload {
  @ApiProperty({ enum: [HOURS_CHANGED] })
  readonly event!: typeof HOURS_CHANGED;

  /** Its public URL is `/hours/{key}`. */
  @ApiProperty({ example: 'text-line' })
  readonly scheduleKey!: string;

  @ApiProperty({ format: 'uuid', example: UUID_EXAMPLE })
  readonly scheduleId!: string;

  @ApiProperty({ enum: HOURS_CHANGES })
  readonly change!: (typeof HOURS_CHANGES)[number];

  /** The exception created, changed or deleted; null for a change of the schedule itself. */
  @ApiProperty({ type: String, format: 'uuid', nullable: true, example: null })
  readonly exceptionId!: string | null;
}

/** Every event and the class documenting its payload, in the order the README lists them. */
export const EVENT_PAYLOADS = {
  [CONTACT_REQUEST_CREATED]: ContactRequestCreatedEvent,
  [CONTACT_REQUEST_REPLY_OVERDUE]: ContactRequestReplyOverdueEvent,
  [ARTICLE_PUBLISHED]: ArticlePublishedEvent,
  [ARTICLE_UPDATED]: ArticleUpdatedEvent,
  [ARTICLE_UNPUBLISHED]: ArticleUnpublishedEvent,
  [ARTICLE_ARCHIVED]: ArticleArchivedEvent,
  [ARTICLE_DELETED]: ArticleDeletedEvent,
  [TESTIMONIAL_APPROVED]: TestimonialApprovedEvent,
  [TESTIMONIAL_UPDATED]: TestimonialUpdatedEvent,
  [TESTIMONIAL_UNPUBLISHED]: TestimonialUnpublishedEvent,
  [TESTIMONIAL_WITHDRAWN]: TestimonialWithdrawnEvent,
  [HOURS_CHANGED]: HoursChangedEvent,
} as const satisfies Record<string, Type<EventPayload>>;

export type EventName = keyof typeof EVENT_PAYLOADS;
export const EVENT_NAMES = Object.keys(EVENT_PAYLOADS) as EventName[];

/** The payload of `E` as sent. */
export type EventPayloadOf<E extends EventName> = InstanceType<(typeof EVENT_PAYLOADS)[E]>;

/** What the emitter gives: the payload without the fields every event gets (`event`, `id`, `occurredAt`). */
export type EventFields<E extends EventName> = Omit<EventPayloadOf<E>, 'event' | 'id' | 'occurredAt'>;

/** Documents the payloads of these events as component schemas (on the controller of the feature that emits them). */
export function ApiEvents(...events: EventName[]): ClassDecorator {
  return ApiExtraModels(...events.map((event) => EVENT_PAYLOADS[event]));
}

/**
 * The outbox event announcing `event` about `entityId`: its payload is `fields` with the event's name, a new event id
 * and `occurredAt` (default: `at.now`). Enqueue it in the transaction of the change (`Outbox.enqueue`).
 */
export function eventOf<E extends EventName>(
  event: E,
  entityId: string,
  fields: EventFields<E>,
  at: { occurredAt: Date; trace?: TraceContext | null },
): OutboxEvent {
  const payload = { event, id: randomUUID(), occurredAt: at.occurredAt.toISOString(), ...fields };
  return { event, entityId, payload, trace: at.trace ?? null };
}
