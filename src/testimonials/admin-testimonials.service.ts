import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager, type FindOptionsOrder, type FindOptionsWhere, In } from 'typeorm';
import { AuditService, type AuditContext } from '../audit/audit.service.js';
import { Clock } from '../common/clock/clock.js';
import { AppException } from '../common/errors/app-exception.js';
import { assertIfMatch as assertVersion } from '../common/http/if-match.js';
import { ResponseCache } from '../common/http/response-cache.js';
import { pageWindow, toPage, type Page } from '../common/pagination/pagination.js';
import { parseSort } from '../common/pagination/sort.js';
import { validationFailed } from '../common/validation/validation-pipe.js';
import { TestimonialChangeFeed } from './change-feed.js';
import {
  ADMIN_SORT_FIELDS,
  type AdminListTestimonialsQuery,
  type CreateTestimonialRequest,
  type ReorderTestimonialsRequest,
  type UpdateTestimonialRequest,
} from './dto/testimonial.requests.js';
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
import { Testimonial } from './testimonial.entity.js';
import { TESTIMONIALS_CACHE_TAG } from './testimonials.service.js';

const assertIfMatch = (header: string | undefined, version: number) => assertVersion(header, version, 'testimonial');

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

/**
 * Moderation. Every change is one transaction with its audit record and, when it changes what the public sees,
 * its entry in the integrations' change feed (appended last: see TestimonialChangeFeed).
 */
@Injectable()
export class AdminTestimonialsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly feed: TestimonialChangeFeed,
    private readonly clock: Clock,
    private readonly cache: ResponseCache,
  ) {}

  async list(query: AdminListTestimonialsQuery): Promise<Page<Testimonial>> {
    const where: FindOptionsWhere<Testimonial> = {
      ...(query.status ? { status: query.status } : {}),
      ...(query.service ? { service: query.service } : {}),
      ...(query.featured !== undefined ? { featured: query.featured } : {}),
      ...(query.spam !== undefined ? { spam: query.spam } : {}),
    };
    const sort = parseSort(query.sort ?? '-createdAt', ADMIN_SORT_FIELDS) ?? [];
    const order: FindOptionsOrder<Testimonial> = Object.fromEntries([
      ...sort.map((t): [string, 'ASC' | 'DESC'] => [t.field, t.direction]),
      ['id', 'ASC'],
    ]);
    const [rows, total] = await this.dataSource.getRepository(Testimonial).findAndCount({
      where,
      order,
      ...pageWindow(query),
    });
    return toPage(rows, total, query);
  }

  get(id: string): Promise<Testimonial> {
    return this.find(this.dataSource.manager, id);
  }

  create(body: CreateTestimonialRequest, ctx: AuditContext): Promise<Testimonial> {
    const givenAt = new Date(body.consent.givenAt);
    if (givenAt > this.clock.now()) {
      throw validationFailed([{ field: 'consent.givenAt', message: 'consent.givenAt must not be in the future' }]);
    }
    return this.write(async (manager) => {
      const testimonial = await manager.save(
        manager.create(Testimonial, {
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
        }),
      );
      await this.record(manager, ctx, testimonial, 'created', { source: body.source });
      return testimonial;
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
      const t = await this.find(manager, id, true);
      assertIfMatch(ifMatch, t.version);
      const wasPublic = isPublic(t);
      await manager.delete(Testimonial, { id });
      await this.audit.record(manager, ctx, {
        action: 'testimonial.deleted',
        entityType: 'testimonial',
        entityId: id,
        metadata: { status: t.status, version: t.version },
      });
      if (wasPublic) await this.feed.removed(manager, id);
    });
  }

  /** All or nothing: an unknown id fails the whole request. Rows are locked in id order, so two reorders cannot deadlock. */
  reorder(body: ReorderTestimonialsRequest, ctx: AuditContext): Promise<void> {
    return this.write(async (manager) => {
      // UUIDs compare case-insensitively; Postgres returns them in lower case.
      const items = body.items.map((item) => ({ id: item.id.toLowerCase(), sortOrder: item.sortOrder }));
      const ids = items.map((item) => item.id);
      const rows = await manager.find(Testimonial, {
        where: { id: In(ids) },
        order: { id: 'ASC' },
        lock: { mode: 'pessimistic_write' },
      });
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
        const before = isPublic(t) ? feedView(t) : undefined;
        const from = t.sortOrder;
        t.sortOrder = sortOrder;
        await this.saveVersion(manager, t, ctx);
        await this.record(manager, ctx, t, 'reordered', { from, to: sortOrder });
        published.push([before, t]);
      }
      for (const [before, t] of published) await this.feed.record(manager, before, t);
    });
  }

  /**
   * Loads and locks one testimonial, checks If-Match, applies `mutate` (undefined: nothing changed), then saves
   * a new version, audits it and feeds the public change, in that order.
   */
  private change(
    id: string,
    ifMatch: string | undefined,
    ctx: AuditContext,
    mutate: (t: Testimonial) => { action: string; metadata: Record<string, unknown> } | undefined,
  ): Promise<Testimonial> {
    return this.write(async (manager) => {
      const t = await this.find(manager, id, true);
      assertIfMatch(ifMatch, t.version);
      const before = isPublic(t) ? feedView(t) : undefined;
      const outcome = mutate(t);
      if (!outcome) return t;
      await this.saveVersion(manager, t, ctx);
      await this.record(manager, ctx, t, outcome.action, outcome.metadata);
      await this.feed.record(manager, before, t);
      return t;
    });
  }

  /** Runs a change in one transaction, then forgets the cached public responses it may have changed. */
  private async write<T>(change: (manager: EntityManager) => Promise<T>): Promise<T> {
    try {
      return await this.dataSource.transaction(change);
    } finally {
      this.cache.invalidate(TESTIMONIALS_CACHE_TAG);
    }
  }

  private async find(manager: EntityManager, id: string, lock = false): Promise<Testimonial> {
    const t = await manager.findOne(Testimonial, {
      where: { id },
      ...(lock ? { lock: { mode: 'pessimistic_write' as const } } : {}),
    });
    if (!t) throw new AppException('not_found', 'No testimonial has this id.');
    return t;
  }

  private async saveVersion(manager: EntityManager, t: Testimonial, ctx: AuditContext): Promise<void> {
    t.version += 1;
    t.updatedBy = ctx.actor.id;
    await manager.save(t);
  }

  /** Ids, statuses and field names only: never the quote or the name. */
  private record(
    manager: EntityManager,
    ctx: AuditContext,
    t: Testimonial,
    action: string,
    metadata: Record<string, unknown>,
  ): Promise<void> {
    return this.audit.record(manager, ctx, {
      action: `testimonial.${action}`,
      entityType: 'testimonial',
      entityId: t.id,
      metadata: { ...metadata, status: t.status, version: t.version },
    });
  }
}
