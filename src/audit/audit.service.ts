import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { type EntityManager, type FindOptionsWhere, Repository } from 'typeorm';
import { pageWindow, toPage, type Page } from '../common/pagination/pagination.js';
import { instantRange, withRange } from '../common/validation/instant-range.js';
import type { Principal } from '../auth/principal.js';
import { AuditEvent, type ActorType } from './audit-event.entity.js';
import type { ListAuditEventsQuery } from './dto/list-audit-events.query.js';

/** Who did it and within which request: built once per request, passed to services that record changes. */
export interface AuditContext {
  actor: { type: ActorType; id: string | null };
  /** The server's id of the request. */
  requestId: string | null;
  /** The caller's X-Request-Id (when sane): what the caller says, kept apart from what the server knows. */
  clientRequestId: string | null;
}

export const SYSTEM_CONTEXT: AuditContext = {
  actor: { type: 'system', id: null },
  requestId: null,
  clientRequestId: null,
};

export function auditContextFor(
  principal: Principal | undefined,
  requestId: string,
  clientRequestId: string | null = null,
): AuditContext {
  const actor: AuditContext['actor'] = principal
    ? { type: principal.kind === 'user' ? 'user' : 'api_key', id: principal.id }
    : { type: 'anonymous', id: null };
  return { actor, requestId, clientRequestId };
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
    clientRequestId: ctx.clientRequestId,
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
      ...withRange('occurredAt', instantRange(query.from, query.to)),
    };
    const [rows, total] = await this.events.findAndCount({
      where,
      order: { occurredAt: query.sort === 'occurredAt' ? 'ASC' : 'DESC', id: 'ASC' },
      ...pageWindow(query),
    });
    return toPage(rows, total, query);
  }
}
