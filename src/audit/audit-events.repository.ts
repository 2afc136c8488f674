import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager, type FindOptionsWhere } from 'typeorm';
import { AuditLog, type AuditContext, type AuditRecord } from '../common/audit/audit-log.js';
import { cappedCountSql, type CappedTotal } from '../common/pagination/capped-total.js';
import { AggregateRepository } from '../common/persistence/aggregate.repository.js';
import { type PendingRow, pendingRow } from '../common/persistence/insert-together.js';
import { AuditEvent } from './audit-event.entity.js';

/** The audit log's table: append-only (a trigger refuses UPDATE and DELETE). The AuditLog every feature writes to. */
@Injectable()
export class AuditEventsRepository extends AggregateRepository<AuditEvent> implements AuditLog {
  constructor(@InjectDataSource() dataSource: DataSource) {
    super(dataSource, AuditEvent);
  }

  /** Records an event in the caller's transaction, so the change and its record commit or fail together. */
  async record(manager: EntityManager, ctx: AuditContext, record: AuditRecord): Promise<void> {
    await manager.save(manager.create(AuditEvent, this.row(ctx, record).values));
  }

  /** The event's values; its id and time are the database's (`now()`: the time of the transaction). */
  row(ctx: AuditContext, record: AuditRecord): PendingRow<AuditEvent> {
    return pendingRow(AuditEvent, {
      actorType: ctx.actor.type,
      actorId: ctx.actor.id,
      action: record.action,
      entityType: record.entityType,
      entityId: record.entityId ?? null,
      requestId: ctx.requestId,
      clientRequestId: ctx.clientRequestId,
      traceId: ctx.trace?.traceId ?? null,
      metadata: record.metadata ?? {},
    });
  }

  /**
   * One page of events matching `where`, oldest or newest first (in the order they were written when they share an
   * instant), and how many match: exactly up to
   * TOTAL_CAP, beyond that TOTAL_CAP and `capped` (counting a large log on every request is what made it slow).
   */
  async findPage(
    where: FindOptionsWhere<AuditEvent>,
    oldestFirst: boolean,
    window: { skip: number; take: number },
    manager?: EntityManager,
  ): Promise<[AuditEvent[], CappedTotal]> {
    const db = this.manager(manager);
    const [matches, values] = db
      .createQueryBuilder(AuditEvent, 'e')
      .select('1')
      .setFindOptions({ where })
      .getQueryAndParameters();
    const [rows, [count]] = await Promise.all([
      db.find(AuditEvent, {
        where,
        order: { occurredAt: oldestFirst ? 'ASC' : 'DESC', sequence: oldestFirst ? 'ASC' : 'DESC' },
        ...window,
      }),
      db.query<CappedTotal[]>(cappedCountSql(matches), values),
    ]);
    return [rows, count];
  }
}

/**
 * AuditLog.record for code outside Nest's container that is handed only a manager (a purge): the same as
 * `new AuditEventsRepository(manager.connection).record(manager, …)`.
 */
export function recordAuditEvent(manager: EntityManager, ctx: AuditContext, record: AuditRecord): Promise<void> {
  return new AuditEventsRepository(manager.connection).record(manager, ctx, record);
}
