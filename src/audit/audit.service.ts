import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { And, type EntityManager, type FindOptionsWhere, LessThan, MoreThanOrEqual, Repository } from 'typeorm';
import { pageWindow, toPage, type Page } from '../common/pagination/pagination.js';
import { validationFailed } from '../common/validation/validation-pipe.js';
import type { Principal } from '../auth/principal.js';
import { AuditEvent, type ActorType } from './audit-event.entity.js';
import type { ListAuditEventsQuery } from './dto/list-audit-events.query.js';

/** Who did it and within which request: built once per request, passed to services that record changes. */
export interface AuditContext {
  actor: { type: ActorType; id: string | null };
  requestId: string | null;
}

export const SYSTEM_CONTEXT: AuditContext = { actor: { type: 'system', id: null }, requestId: null };

export function auditContextFor(principal: Principal | undefined, requestId: string): AuditContext {
  if (!principal) return { actor: { type: 'anonymous', id: null }, requestId };
  return { actor: { type: principal.kind === 'user' ? 'user' : 'api_key', id: principal.id }, requestId };
}

export interface AuditRecord {
  action: string;
  entityType: string;
  entityId?: string | null;
  /** Ids, field names and reasons only: never personal data. */
  metadata?: Record<string, unknown>;
}

/** Records an event in the caller's transaction, so the change and its record commit or fail together. */
export async function recordAuditEvent(manager: EntityManager, ctx: AuditContext, record: AuditRecord): Promise<void> {
  const event = manager.create(AuditEvent, {
    actorType: ctx.actor.type,
    actorId: ctx.actor.id,
    action: record.action,
    entityType: record.entityType,
    entityId: record.entityId ?? null,
    requestId: ctx.requestId,
    metadata: record.metadata ?? {},
  });
  await manager.save(event);
}

@Injectable()
export class AuditService {
  constructor(@InjectRepository(AuditEvent) private readonly events: Repository<AuditEvent>) {}

  record(manager: EntityManager, ctx: AuditContext, record: AuditRecord): Promise<void> {
    return recordAuditEvent(manager, ctx, record);
  }

  async list(query: ListAuditEventsQuery): Promise<Page<AuditEvent>> {
    const where: FindOptionsWhere<AuditEvent> = {
      ...(query.actorType ? { actorType: query.actorType } : {}),
      ...(query.actorId ? { actorId: query.actorId } : {}),
      ...(query.action ? { action: query.action } : {}),
      ...(query.entityType ? { entityType: query.entityType } : {}),
      ...(query.entityId ? { entityId: query.entityId } : {}),
      ...occurredBetween(query.from, query.to),
    };
    const [rows, total] = await this.events.findAndCount({
      where,
      order: { occurredAt: query.sort === 'occurredAt' ? 'ASC' : 'DESC', id: 'ASC' },
      ...pageWindow(query),
    });
    return toPage(rows, total, query);
  }
}

/**
 * Bounds are inclusive at the millisecond precision the API shows: Postgres keeps microseconds, so "at or
 * before `to`" means "before `to` + 1 ms" (an event's own occurredAt as `to` includes it).
 */
function occurredBetween(from?: string, to?: string): FindOptionsWhere<AuditEvent> {
  const start = from ? new Date(from) : undefined;
  const end = to ? new Date(new Date(to).getTime() + 1) : undefined;
  if (start && end && start >= end) {
    throw validationFailed([{ field: 'to', message: 'to must not be earlier than from' }]);
  }
  if (start && end) return { occurredAt: And(MoreThanOrEqual(start), LessThan(end)) };
  if (start) return { occurredAt: MoreThanOrEqual(start) };
  if (end) return { occurredAt: LessThan(end) };
  return {};
}
