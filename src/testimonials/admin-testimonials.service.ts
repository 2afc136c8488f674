import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { AuditContext } from '../common/audit/audit-log.js';
import { Clock } from '../common/clock/clock.js';
import { AppException } from '../common/errors/app-exception.js';
import { pageWindow, toPage, type Page } from '../common/pagination/pagination.js';
import { parseSort } from '../common/pagination/sort.js';
import {
  type ChangeRecord,
  notFound,
  VersionedWrites,
  type WriteScope,
} from '../common/persistence/versioned-writes.js';
import { validationFailed } from '../common/validation/validation-pipe.js';
import { Outbox, WebhookDispatcher } from '../notifications/index.js';
import {
  ADMIN_SORT_FIELDS,
  type AdminListTestimonialsQuery,
  type CreateTestimonialRequest,
  type ReorderTestimonialsRequest,
  type UpdateTestimonialRequest,
} from './dto/testimonial.requests.js';
import { TestimonialChangeFeed } from './testimonial-change-feed.service.js';
import {
  erase,
  feedView,
  isPublic,
  lastInitialOf,
  normalizeName,
  type TestimonialAction,
  type TestimonialFeedView,
  TRANSITIONS,
} from './testimonial-content.js';
import type { Testimonial } from './testimonial.entity.js';
import { type TestimonialBefore, testimonialDeletedEvent, testimonialEvent } from './testimonial-events.js';
import { TESTIMONIALS_CACHE_TAG, unknownService } from './testimonials.service.js';
import { TestimonialsRepository } from './testimonials.repository.js';

/** Every staff change may change the public list. */
const WRITE: WriteScope = { invalidates: [TESTIMONIALS_CACHE_TAG] };

/** The editable fields a PATCH sent, in storage form; the audit log records their names only. */
function edits(body: UpdateTestimonialRequest): Partial<Testimonial> {
  const fields: Partial<Testimonial> = {};
  if (body.quote !== undefined) fields.quote = body.quote;
  if (body.firstName !== undefined) fields.firstName = normalizeName(body.firstName);
  if (body.lastName !== undefined) fields.lastInitial = lastInitialOf(body.lastName) ?? null;
  if (body.service !== undefined) fields.service = body.service;
  if (body.rating !== undefined) fields.rating = body.rating;
  if (body.featured !== undefined) fields.featured = body.featured;
  if (body.sortOrder !== undefined) fields.sortOrder = body.sortOrder;
  return fields;
}

/** What a change's event is decided from: the status and public view before it. */
function beforeChange(t: Testimonial): TestimonialBefore {
  return { status: t.status, publicView: isPublic(t) ? feedView(t) : undefined };
}

/** The audit record of a testimonial as saved: ids, statuses and field names only, never the quote or the name. */
function audited(action: string, t: Testimonial, metadata: Record<string, unknown>): ChangeRecord {
  return { action: `testimonial.${action}`, metadata: { ...metadata, status: t.status, version: t.version } };
}

/**
 * Moderation. Every change is one transaction with its audit record and, when it changes what the public sees,
 * its entry in the integrations' change feed (appended last: see TestimonialChangeFeed).
 */
@Injectable()
export class AdminTestimonialsService {
  constructor(
    private readonly testimonials: TestimonialsRepository,
    private readonly writes: VersionedWrites,
    private readonly feed: TestimonialChangeFeed,
    private readonly clock: Clock,
    private readonly outbox: Outbox,
    private readonly dispatcher: WebhookDispatcher,
  ) {}

  async list(query: AdminListTestimonialsQuery): Promise<Page<Testimonial>> {
    const [rows, total] = await this.testimonials.findPage(
      { status: query.status, service: query.service, featured: query.featured, spam: query.spam },
      parseSort(query.sort ?? '-createdAt', ADMIN_SORT_FIELDS) ?? [],
      pageWindow(query),
    );
    return toPage(rows, total, query);
  }

  async get(id: string): Promise<Testimonial> {
    const t = await this.testimonials.findById(id);
    if (!t) throw notFound(this.testimonials.noun);
    return t;
  }

  create(body: CreateTestimonialRequest, ctx: AuditContext): Promise<Testimonial> {
    const givenAt = new Date(body.consent.givenAt);
    if (givenAt > this.clock.now()) {
      throw validationFailed([{ field: 'consent.givenAt', message: 'consent.givenAt must not be in the future' }]);
    }
    return this.writes
      .transaction(WRITE, async (manager) => {
        const t = await this.testimonials.insert(
          {
            quote: body.quote,
            firstName: normalizeName(body.firstName),
            lastInitial: lastInitialOf(body.lastName) ?? null,
            service: body.service,
            rating: body.rating ?? null,
            source: body.source,
            status: 'pending',
            featured: body.featured ?? false,
            sortOrder: body.sortOrder ?? 0,
            consentGivenAt: givenAt,
            consentTextVersion: body.consent.textVersion,
            consentMethod: body.consent.method,
            createdBy: ctx.actor.id,
            updatedBy: ctx.actor.id,
          },
          manager,
        );
        await this.writes.audit(manager, this.testimonials, t, ctx, audited('created', t, { source: body.source }));
        return t;
      })
      .catch((error: unknown) => {
        throw unknownService(error);
      });
  }

  update(id: string, body: UpdateTestimonialRequest, ifMatch: string | undefined, ctx: AuditContext) {
    return this.change(id, ifMatch, ctx, (t) => {
      if (t.status === 'withdrawn') {
        throw new AppException('invalid_transition', 'A withdrawn testimonial cannot be edited.', {
          extensions: { currentStatus: t.status },
        });
      }
      const fields = Object.entries(edits(body))
        .filter(([key, value]) => t[key as keyof Testimonial] !== value)
        .map(([key]) => key);
      if (fields.length === 0) return undefined;
      Object.assign(t, edits(body));
      return { action: 'updated', metadata: { fields } };
    });
  }

  /** Approve, reject or withdraw; who and when are recorded on the testimonial and in the audit log. */
  moderate(id: string, action: TestimonialAction, ifMatch: string | undefined, ctx: AuditContext) {
    return this.change(id, ifMatch, ctx, (t) => {
      const { from, to } = TRANSITIONS[action];
      if (!from.includes(t.status)) {
        throw new AppException(
          'invalid_transition',
          `${t.status === 'approved' ? 'An' : 'A'} ${t.status} testimonial cannot be ${to}.`,
          {
            extensions: { currentStatus: t.status, allowedFrom: from },
          },
        );
      }
      const now = this.clock.now();
      const previousStatus = t.status;
      t.status = to;
      if (action === 'approve') Object.assign(t, { approvedAt: now, approvedBy: ctx.actor.id });
      if (action === 'reject') Object.assign(t, { rejectedAt: now, rejectedBy: ctx.actor.id });
      if (action === 'withdraw') {
        erase(t);
        Object.assign(t, { withdrawnAt: now, withdrawnBy: ctx.actor.id });
      }
      return { action: to, metadata: { from: previousStatus } };
    });
  }

  remove(id: string, ifMatch: string | undefined, ctx: AuditContext): Promise<void> {
    return this.write(async (manager) => {
      const t = await this.writes.lock(manager, this.testimonials, id, ifMatch);
      const wasPublic = isPublic(t);
      await this.testimonials.delete(id, manager);
      await this.writes.audit(manager, this.testimonials, t, ctx, audited('deleted', t, {}));
      const event = testimonialDeletedEvent(t, { occurredAt: this.clock.now(), trace: ctx.trace });
      if (event) await this.outbox.enqueue(manager, event);
      if (wasPublic) await this.feed.removed(manager, id);
    });
  }

  /** All or nothing: an unknown id fails the whole request. Rows are locked in id order, so two reorders cannot deadlock. */
  reorder(body: ReorderTestimonialsRequest, ctx: AuditContext): Promise<void> {
    return this.write(async (manager) => {
      // UUIDs compare case-insensitively; Postgres returns them in lower case.
      const items = body.items.map((item) => ({ id: item.id.toLowerCase(), sortOrder: item.sortOrder }));
      const ids = items.map((item) => item.id);
      const rows = await this.testimonials.findManyForUpdate(ids, manager);
      const found = new Map(rows.map((t) => [t.id, t]));
      const missing = ids.filter((id) => !found.has(id));
      if (missing.length > 0) {
        throw new AppException('not_found', `No testimonial has the id ${missing.join(', ')}.`);
      }
      const wanted = new Map(items.map((item) => [item.id, item.sortOrder]));
      const published: [TestimonialFeedView | undefined, Testimonial][] = [];
      for (const t of rows) {
        const sortOrder = wanted.get(t.id) ?? t.sortOrder;
        if (sortOrder === t.sortOrder) continue;
        const before = beforeChange(t);
        const from = t.sortOrder;
        t.sortOrder = sortOrder;
        await this.writes.saveVersion(manager, this.testimonials, t, ctx, (saved) =>
          audited('reordered', saved, { from, to: sortOrder }),
        );
        await this.announce(manager, before, t, ctx);
        published.push([before.publicView, t]);
      }
      for (const [before, t] of published) await this.feed.record(manager, before, t);
    });
  }

  /**
   * Locks one testimonial (404, 412), applies `mutate` (undefined: nothing changed), then saves the next version,
   * audits it and feeds the public change, in that order.
   */
  private change(
    id: string,
    ifMatch: string | undefined,
    ctx: AuditContext,
    mutate: (t: Testimonial) => { action: string; metadata: Record<string, unknown> } | undefined,
  ): Promise<Testimonial> {
    return this.write(async (manager) => {
      const t = await this.writes.lock(manager, this.testimonials, id, ifMatch);
      const before = beforeChange(t);
      const outcome = mutate(t);
      if (!outcome) return t;
      await this.writes.saveVersion(manager, this.testimonials, t, ctx, (saved) =>
        audited(outcome.action, saved, outcome.metadata),
      );
      await this.announce(manager, before, t, ctx);
      await this.feed.record(manager, before.publicView, t);
      return t;
    });
  }

  /** Enqueues the event a saved change announces, if any (see testimonialEvent), in its transaction. */
  private async announce(
    manager: EntityManager,
    before: TestimonialBefore,
    after: Testimonial,
    ctx: AuditContext,
  ): Promise<void> {
    const event = testimonialEvent(before, after, { occurredAt: this.clock.now(), trace: ctx.trace });
    if (event) await this.outbox.enqueue(manager, event);
  }

  /** One write transaction that may announce events: they are sent as soon as it commits. */
  private async write<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    const result = await this.writes.transaction(WRITE, work).catch((error: unknown) => {
      throw unknownService(error);
    });
    this.dispatcher.poke();
    return result;
  }
}
