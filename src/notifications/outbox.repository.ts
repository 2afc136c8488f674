import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager, type FindOptionsWhere, In, IsNull, LessThan } from 'typeorm';
import { claimLeased } from '../common/outbox/lease.js';
import { AggregateRepository } from '../common/persistence/aggregate.repository.js';
import { type PendingRow, pendingRow } from '../common/persistence/insert-together.js';
import { AnnouncedEvent } from './announced-event.entity.js';
import type { DeliveryStatus } from './outbox-delivery.entity.js';
import { OutboxDelivery } from './outbox-delivery.entity.js';

/** An event as the outbox writes it, in the transaction of the change it announces. */
export type NewEvent = Pick<
  AnnouncedEvent,
  'event' | 'entityId' | 'payload' | 'traceparent' | 'giveUpAt' | 'createdAt'
>;

/** A delivery written directly for one endpoint (a ping): due at once, never attempted. */
export type NewDelivery = Pick<
  OutboxDelivery,
  'event' | 'entityId' | 'payload' | 'url' | 'endpointId' | 'traceparent' | 'nextAttemptAt' | 'giveUpAt' | 'createdAt'
>;

/** What an attempt's outcome writes; the claim's lease ends with it. */
export type DeliveryOutcome = Partial<Pick<OutboxDelivery, 'status' | 'deliveredAt' | 'nextAttemptAt'>> &
  Pick<OutboxDelivery, 'lastStatus' | 'lastError' | 'lastDurationMs' | 'url'>;

export interface DeliveryFilter {
  status?: DeliveryStatus;
  event?: string;
  entityId?: string;
  endpointId?: string;
}

/** The webhook outbox: announced events (`outbox_events`) and their deliveries (`outbox_deliveries`). */
@Injectable()
export class OutboxRepository extends AggregateRepository<OutboxDelivery> {
  constructor(@InjectDataSource() dataSource: DataSource) {
    super(dataSource, OutboxDelivery);
  }

  /** Writes an event in the caller's transaction (the one of the change it announces). */
  async insertEvent(event: NewEvent, manager?: EntityManager): Promise<void> {
    const m = this.manager(manager);
    await m.save(AnnouncedEvent, m.create(AnnouncedEvent, event));
  }

  /** The event as a row, for a caller that inserts it together with its change (`insertTogether`). */
  eventRow(event: NewEvent): PendingRow<AnnouncedEvent> {
    return pendingRow(AnnouncedEvent, event);
  }

  async insertDelivery(delivery: NewDelivery, manager?: EntityManager): Promise<OutboxDelivery> {
    const m = this.manager(manager);
    return m.save(OutboxDelivery, m.create(OutboxDelivery, { ...delivery, status: 'pending' }));
  }

  /**
   * Turns up to `limit` announced events, oldest first, into one delivery per active endpoint whose filter matches,
   * and deletes them: one statement, so an event is fanned out exactly once (rows another run holds are skipped).
   * An event no endpoint wants leaves nothing. Deliveries keep the event's time and retry window.
   */
  async fanOut(limit: number, manager?: EntityManager): Promise<{ events: number; deliveries: number }> {
    const [row] = await this.manager(manager).query<{ events: number; deliveries: number }[]>(
      `WITH batch AS (
         DELETE FROM outbox_events
          WHERE id IN (SELECT id FROM outbox_events ORDER BY created_at, id LIMIT $1 FOR UPDATE SKIP LOCKED)
         RETURNING *
       ), fanned AS (
         INSERT INTO outbox_deliveries
                (event, entity_id, payload, url, endpoint_id, traceparent, status, next_attempt_at, give_up_at, created_at)
         SELECT b.event, b.entity_id, b.payload, w.url, w.id, b.traceparent, 'pending', b.created_at, b.give_up_at,
                b.created_at
           FROM batch b
           JOIN webhook_endpoints w ON w.active AND ('*' = ANY (w.events) OR b.event = ANY (w.events))
         RETURNING 1
       )
       SELECT (SELECT count(*) FROM batch)::int AS events, (SELECT count(*) FROM fanned)::int AS deliveries`,
      [limit],
    );
    return row;
  }

  /** One page of deliveries matching the filter, newest first, and how many match in all. */
  findPage(
    filter: DeliveryFilter,
    window: { skip: number; take: number },
    manager?: EntityManager,
  ): Promise<[OutboxDelivery[], number]> {
    const where: FindOptionsWhere<OutboxDelivery> = {
      ...(filter.status ? { status: filter.status } : {}),
      ...(filter.event ? { event: filter.event } : {}),
      ...(filter.entityId ? { entityId: filter.entityId } : {}),
      ...(filter.endpointId ? { endpointId: filter.endpointId } : {}),
    };
    return this.manager(manager).findAndCount(OutboxDelivery, {
      where,
      order: { createdAt: 'DESC', id: 'DESC' },
      ...window,
    });
  }

  findOne(id: string, endpointId: string, manager?: EntityManager): Promise<OutboxDelivery | null> {
    return this.manager(manager).findOneBy(OutboxDelivery, { id, endpointId });
  }

  /**
   * For the metrics: deliveries waiting and failed for good, and how long the oldest waiting one has waited. Waiting
   * counts announced events and the pending deliveries of active endpoints: an inactive endpoint's wait for it to be
   * re-enabled (or for their retry window to end), which is not a backlog of the dispatcher's.
   */
  async backlog(now: Date): Promise<{ pending: number; failed: number; oldestPendingSeconds: number }> {
    const [row] = await this.manager().query<{ pending: number; failed: number; oldest: Date | null }[]>(
      `SELECT count(*) FILTER (WHERE d.status = 'pending' AND w.active)::int
                + (SELECT count(*) FROM outbox_events)::int AS pending,
              count(*) FILTER (WHERE d.status = 'failed')::int AS failed,
              least(min(d.created_at) FILTER (WHERE d.status = 'pending' AND w.active),
                    (SELECT min(created_at) FROM outbox_events)) AS oldest
         FROM outbox_deliveries d
         LEFT JOIN webhook_endpoints w ON w.id = d.endpoint_id`,
    );
    const oldest = row.oldest ? new Date(row.oldest) : undefined;
    return {
      pending: row.pending,
      failed: row.failed,
      oldestPendingSeconds: oldest ? Math.max(0, (now.getTime() - oldest.getTime()) / 1000) : 0,
    };
  }

  /**
   * Claims up to `limit` due pending deliveries of active endpoints that no live lease holds, oldest due first:
   * locks them with `FOR UPDATE SKIP LOCKED` (concurrent claimers take other rows), counts the attempt and leases
   * them until `lockedUntil`, in one statement (in the caller's transaction when given one). Returns them as claimed.
   */
  claimDue(now: Date, lockedUntil: Date, limit: number, manager?: EntityManager): Promise<OutboxDelivery[]> {
    // Only active endpoints' deliveries are sent (an inactive one's end at giveUpAt: failExpired).
    return claimLeased(this.manager(manager), OutboxDelivery, 'd', { now, lockedUntil, limit }, (query) =>
      // Not past its retry window either: failExpired looks for those once a minute only.
      query.innerJoin('d.endpoint', 'e', 'e.active').andWhere('d.giveUpAt >= :now', { now }),
    );
  }

  /**
   * Pending deliveries whose retry window is over become `failed`, whatever their endpoint's state: an inactive
   * endpoint's are never claimed, and would otherwise wait forever (never purged, sent stale once it is re-enabled).
   * One leased to an attempt in flight is left to that attempt. `lastError` keeps the last attempt's error, or says
   * `notSent` when there was none. Returns how many.
   */
  async failExpired(now: Date, notSent: string, manager?: EntityManager): Promise<number> {
    const { affected } = await this.manager(manager)
      .createQueryBuilder()
      .update(OutboxDelivery)
      .set({ status: 'failed', lockedUntil: null, lastError: () => 'COALESCE(last_error, :notSent)' })
      // next_attempt_at never passes give_up_at (nor now once given up): its condition lets the claim's index serve.
      .where('status = :pending AND next_attempt_at <= :now AND give_up_at < :now', { pending: 'pending', now })
      .andWhere('(locked_until IS NULL OR locked_until <= :now)', { now })
      .setParameter('notSent', notSent)
      .execute();
    return affected ?? 0;
  }

  /**
   * Records the outcomes of a run's attempts in ONE statement (each as `recordOutcome` does: fenced by the attempt
   * number, ending the lease) and returns the ids it wrote; a delivery missing from the answer was no longer pending
   * or was claimed again since. A run of N deliveries costs one round trip, not N.
   */
  async recordOutcomes(
    outcomes: readonly (DeliveryOutcome & { id: string; attempts: number })[],
    manager?: EntityManager,
  ): Promise<Set<string>> {
    if (outcomes.length === 0) return new Set();
    // In a CTE so the answer is the updated rows (TypeORM answers a bare UPDATE … RETURNING as [rows, count]).
    const rows = await this.manager(manager).query<{ id: string }[]>(
      `WITH updated AS (
       UPDATE outbox_deliveries d
          SET status = COALESCE(v.status::outbox_delivery_status, d.status),
              delivered_at = COALESCE(v.delivered_at, d.delivered_at),
              next_attempt_at = COALESCE(v.next_attempt_at, d.next_attempt_at),
              last_status = v.last_status, last_error = v.last_error, last_duration_ms = v.last_duration_ms,
              url = v.url, locked_until = NULL
         FROM unnest($1::uuid[], $2::int[], $3::text[], $4::timestamptz[], $5::timestamptz[], $6::smallint[],
                     $7::varchar[], $8::int[], $9::varchar[])
              AS v(id, attempts, status, delivered_at, next_attempt_at, last_status, last_error, last_duration_ms, url)
        WHERE d.id = v.id AND d.attempts = v.attempts AND d.status = 'pending'
        RETURNING d.id)
       SELECT id FROM updated`,
      [
        outcomes.map((o) => o.id),
        outcomes.map((o) => o.attempts),
        outcomes.map((o) => o.status ?? null),
        outcomes.map((o) => o.deliveredAt ?? null),
        outcomes.map((o) => o.nextAttemptAt ?? null),
        outcomes.map((o) => o.lastStatus),
        outcomes.map((o) => o.lastError),
        outcomes.map((o) => o.lastDurationMs),
        outcomes.map((o) => o.url),
      ],
    );
    return new Set(rows.map((r) => r.id));
  }

  /**
   * Records the outcome of attempt number `attempts` and ends its lease; false (nothing written) when the delivery
   * is no longer pending or was claimed again since, so an attempt that outlived its lease cannot overwrite a newer one.
   */
  async recordOutcome(
    id: string,
    attempts: number,
    outcome: DeliveryOutcome,
    manager?: EntityManager,
  ): Promise<boolean> {
    return (await this.recordOutcomes([{ ...outcome, id, attempts }], manager)).has(id);
  }

  /**
   * Makes a finished delivery pending again, due `now`, retried until `giveUpAt`: the same message (same id, same
   * payload) is sent again. Null when there is no such delivery of that endpoint or it is still pending.
   */
  async reopen(
    id: string,
    endpointId: string,
    now: Date,
    giveUpAt: Date,
    manager?: EntityManager,
  ): Promise<OutboxDelivery | null> {
    const updated = await this.manager(manager)
      .createQueryBuilder()
      .update(OutboxDelivery)
      .set({ status: 'pending', nextAttemptAt: now, giveUpAt, deliveredAt: null, lockedUntil: null })
      .where('id = :id AND endpoint_id = :endpointId AND status <> :pending', { id, endpointId, pending: 'pending' })
      .execute();
    return updated.affected ? this.findOne(id, endpointId, manager) : null;
  }

  /**
   * Deliveries written before endpoints existed (no endpoint) to `url` become the endpoint's: what was pending is
   * sent with its secret, what finished shows in its history. Returns how many.
   */
  async adopt(url: string, endpointId: string, manager?: EntityManager): Promise<number> {
    const { affected } = await this.manager(manager).update(
      OutboxDelivery,
      { url, endpointId: IsNull() },
      { endpointId },
    );
    return affected ?? 0;
  }

  /** Pending deliveries without an endpoint (their URL is no longer configured) fail: nothing would ever send them. */
  async failOrphans(manager?: EntityManager): Promise<number> {
    const { affected } = await this.manager(manager).update(
      OutboxDelivery,
      { endpointId: IsNull(), status: 'pending' },
      { status: 'failed', lastError: 'no endpoint for this URL', lockedUntil: null },
    );
    return affected ?? 0;
  }

  /**
   * Deletes finished deliveries (delivered or failed) created before `cutoff`, so the outbox does not grow forever;
   * returns how many. Pending ones stay: they end at `giveUpAt` (see failExpired), at most a week after they were written
   * or redelivered.
   */
  async purgeFinished(cutoff: Date, manager?: EntityManager): Promise<number> {
    const { affected } = await this.manager(manager).delete(OutboxDelivery, {
      status: In(['delivered', 'failed']),
      createdAt: LessThan(cutoff),
    });
    return affected ?? 0;
  }
}
