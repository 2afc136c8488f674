import { Injectable } from '@nestjs/common';
import type { FindOptionsWhere } from 'typeorm';
import { type CappedPageMeta, pageWindow, toCappedPage, type Page } from '../common/pagination/pagination.js';
import { instantRange, withRange } from '../common/validation/instant-range.js';
import type { AuditEvent } from './audit-event.entity.js';
import { AuditEventsRepository } from './audit-events.repository.js';
import type { ListAuditEventsQuery } from './dto/audit-event.requests.js';

/** Reading the audit log (admins). Writing goes through the AuditLog port in each change's transaction. */
@Injectable()
export class AuditService {
  constructor(private readonly events: AuditEventsRepository) {}

  async list(query: ListAuditEventsQuery): Promise<Page<AuditEvent, CappedPageMeta>> {
    const where: FindOptionsWhere<AuditEvent> = {
      ...(query.actorType ? { actorType: query.actorType } : {}),
      ...(query.actorId ? { actorId: query.actorId } : {}),
      ...(query.action ? { action: query.action } : {}),
      ...(query.entityType ? { entityType: query.entityType } : {}),
      ...(query.entityId ? { entityId: query.entityId } : {}),
      ...withRange('occurredAt', instantRange(query.from, query.to)),
    };
    const [rows, count] = await this.events.findPage(where, query.sort === 'occurredAt', pageWindow(query));
    return toCappedPage(rows, count, query);
  }
}
