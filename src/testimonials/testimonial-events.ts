import type { TraceContext } from '../common/tracing/trace-context.js';
import {
  eventOf,
  type OutboxEvent,
  TESTIMONIAL_APPROVED,
  TESTIMONIAL_UNPUBLISHED,
  TESTIMONIAL_UPDATED,
  TESTIMONIAL_WITHDRAWN,
} from '../notifications/index.js';
import { isPublic, publicChange, type TestimonialFeedView } from './testimonial-content.js';
import type { Testimonial, TestimonialStatus } from './testimonial.entity.js';
import { TESTIMONIALS_CACHE_TAG } from './testimonials.service.js';

/** A testimonial before a change: its status, and its public view when it was public. */
export interface TestimonialBefore {
  status: TestimonialStatus;
  publicView: TestimonialFeedView | undefined;
}

type EventTime = { occurredAt: Date; trace?: TraceContext | null };

const fieldsOf = (t: Testimonial) => ({
  testimonialId: t.id,
  version: t.version,
  cacheTags: [TESTIMONIALS_CACHE_TAG, `testimonial:${t.id}`],
});

/**
 * What a saved change of a testimonial announces: its approval, its withdrawal, its rejection after it was public,
 * or a change of what the public sees of an approved one (an edit, a new order). Ids, status and dates only: never
 * the words or the name.
 */
export function testimonialEvent(
  before: TestimonialBefore,
  after: Testimonial,
  at: EventTime,
): OutboxEvent | undefined {
  const fields = fieldsOf(after);
  if (after.status === before.status) {
    const changed = before.publicView && publicChange(before.publicView, after) === 'upsert';
    return changed ? eventOf(TESTIMONIAL_UPDATED, after.id, fields, at) : undefined;
  }
  if (after.status === 'approved') {
    return eventOf(TESTIMONIAL_APPROVED, after.id, { ...fields, approvedAt: after.approvedAt!.toISOString() }, at);
  }
  if (after.status === 'withdrawn') {
    const withdrawnAt = after.withdrawnAt!.toISOString();
    return eventOf(TESTIMONIAL_WITHDRAWN, after.id, { ...fields, withdrawnAt, wasPublic: !!before.publicView }, at);
  }
  if (before.publicView && !isPublic(after)) {
    return eventOf(TESTIMONIAL_UNPUBLISHED, after.id, { ...fields, reason: 'rejected' }, at);
  }
  return undefined;
}

/** What deleting a testimonial announces: that it is off the site, when it was on it (`version`: its last one). */
export function testimonialDeletedEvent(deleted: Testimonial, at: EventTime): OutboxEvent | undefined {
  if (!isPublic(deleted)) return undefined;
  return eventOf(TESTIMONIAL_UNPUBLISHED, deleted.id, { ...fieldsOf(deleted), reason: 'deleted' }, at);
}
