import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource, type EntityManager, type FindOptionsWhere, In } from 'typeorm';
import { type AuditContext, AuditService } from '../audit/audit.service.js';
import type { AuditEvent } from '../audit/audit-event.entity.js';
import type { ListAuditEventsQuery } from '../audit/dto/list-audit-events.query.js';
import { Clock } from '../common/clock/clock.js';
import { DataCipher } from '../common/crypto/data-cipher.js';
import { AppException } from '../common/errors/app-exception.js';
import { assertIfMatch as assertVersion } from '../common/http/if-match.js';
import { pageWindow, toPage, type Page } from '../common/pagination/pagination.js';
import { instantRange, withRange } from '../common/validation/instant-range.js';
import { validationFailed } from '../common/validation/validation-pipe.js';
import { AppConfig } from '../config/app-config.js';
import { User } from '../users/user.entity.js';
import { normalizeEmail, normalizePhone } from './contact-details.js';
import { type ContactDetails, EMAIL_INDEX, open, openNote, PHONE_INDEX, sealNote } from './contact-request-records.js';
import { ContactRequestNote } from './contact-request-note.entity.js';
import { ContactRequestStatusChange } from './contact-request-status-change.entity.js';
import { ContactRequest, type ContactRequestStatus } from './contact-request.entity.js';
import type {
  CreateNoteRequest,
  ListContactRequestsQuery,
  SearchContactRequestsRequest,
  UpdateContactRequestRequest,
} from './dto/contact-request.requests.js';

const assertIfMatch = (header: string | undefined, version: number) =>
  assertVersion(header, version, 'contact request');

/** The one forward path, and spam from anywhere (but spam is final). */
const NEXT: Record<ContactRequestStatus, readonly ContactRequestStatus[]> = {
  new: ['in_progress', 'spam'],
  in_progress: ['contacted', 'spam'],
  contacted: ['closed', 'spam'],
  closed: ['spam'],
  spam: [],
};

export function allowedMoves(from: ContactRequestStatus): readonly ContactRequestStatus[] {
  return NEXT[from];
}

export interface OpenedRequest {
  request: ContactRequest;
  details: ContactDetails;
}

export interface RequestRecord extends OpenedRequest {
  notes: { note: ContactRequestNote; body: string }[];
  history: ContactRequestStatusChange[];
}

/** Staff work on requests. Every read of personal data and every change is in the audit log. */
@Injectable()
export class AdminContactRequestsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly cipher: DataCipher,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly config: AppConfig,
  ) {}

  /** Newest first. */
  list(query: ListContactRequestsQuery, ctx: AuditContext): Promise<Page<OpenedRequest>> {
    return this.page(query, {}, ctx, (rows, total) => ({
      action: 'contact_request.listed',
      metadata: { ids: rows.map((r) => r.id), total },
    }));
  }

  /**
   * The list, narrowed to a phone number and/or an email address matched exactly through the blind index (under
   * every known key). Audited as a search: which kinds of terms were used and what was found, never the terms.
   */
  search(body: SearchContactRequestsRequest, ctx: AuditContext): Promise<Page<OpenedRequest>> {
    const terms = (['email', 'phone'] as const).filter((term) => body[term] !== undefined);
    if (terms.length === 0) {
      const message = 'phone or email is required to search; list without them';
      throw validationFailed([
        { field: 'phone', message },
        { field: 'email', message },
      ]);
    }
    return this.page(body, this.byContact(body.phone, body.email), ctx, (rows, total) => ({
      action: 'contact_request.searched',
      metadata: { terms, ids: rows.map((r) => r.id), total },
    }));
  }

  private page(
    query: ListContactRequestsQuery,
    byContact: FindOptionsWhere<ContactRequest>,
    ctx: AuditContext,
    audited: (rows: ContactRequest[], total: number) => { action: string; metadata: Record<string, unknown> },
  ): Promise<Page<OpenedRequest>> {
    const where: FindOptionsWhere<ContactRequest> = {
      ...(query.status ? { status: query.status } : {}),
      ...(query.channel ? { channel: query.channel } : {}),
      ...withRange('createdAt', instantRange(query.from, query.to)),
      ...byContact,
    };
    return this.dataSource.transaction(async (manager) => {
      const [rows, total] = await manager.findAndCount(ContactRequest, {
        where,
        order: { createdAt: 'DESC', id: 'ASC' },
        ...pageWindow(query),
      });
      await this.audit.record(manager, ctx, { entityType: 'contact_request', ...audited(rows, total) });
      return toPage(
        rows.map((request) => ({ request, details: open(this.cipher, request) })),
        total,
        query,
      );
    });
  }

  /** The whole request, decrypted, with notes and history; the read itself is audited. */
  get(id: string, ctx: AuditContext): Promise<RequestRecord> {
    return this.dataSource.transaction(async (manager) => {
      const record = await this.record(manager, id);
      await this.audit.record(manager, ctx, {
        action: 'contact_request.read',
        entityType: 'contact_request',
        entityId: id,
      });
      return record;
    });
  }

  update(
    id: string,
    body: UpdateContactRequestRequest,
    ifMatch: string | undefined,
    ctx: AuditContext,
  ): Promise<RequestRecord> {
    return this.dataSource.transaction(async (manager) => {
      const request = await this.find(manager, id, true);
      assertIfMatch(ifMatch, request.version);
      const metadata: Record<string, unknown> = {};
      const now = this.clock.now();
      if (body.status !== undefined && body.status !== request.status) {
        if (!NEXT[request.status].includes(body.status)) {
          throw new AppException(
            'invalid_transition',
            `A request in status ${request.status} cannot move to ${body.status}.`,
            { extensions: { currentStatus: request.status, allowed: NEXT[request.status] } },
          );
        }
        await manager.insert(ContactRequestStatusChange, {
          contactRequestId: id,
          fromStatus: request.status,
          toStatus: body.status,
          changedBy: ctx.actor.id,
          changedAt: now,
        });
        metadata.from = request.status;
        metadata.to = body.status;
        request.status = body.status;
        request.statusChangedAt = now;
      }
      // UUIDs compare case-insensitively; Postgres returns them in lower case.
      const assignedTo = body.assignedTo?.toLowerCase() ?? body.assignedTo;
      if (assignedTo !== undefined && assignedTo !== request.assignedTo) {
        if (assignedTo !== null) await this.assertActiveStaff(manager, assignedTo);
        metadata.assignedTo = assignedTo;
        request.assignedTo = assignedTo;
      }
      if (Object.keys(metadata).length > 0) {
        request.version += 1;
        await manager.save(request);
        await this.audit.record(manager, ctx, {
          action: 'contact_request.updated',
          entityType: 'contact_request',
          entityId: id,
          metadata,
        });
      }
      return this.record(manager, id);
    });
  }

  addNote(id: string, body: CreateNoteRequest, ctx: AuditContext): Promise<{ note: ContactRequestNote; body: string }> {
    return this.dataSource.transaction(async (manager) => {
      await this.find(manager, id);
      const noteId = randomUUID();
      const note = manager.create(ContactRequestNote, {
        id: noteId,
        contactRequestId: id,
        bodyCipher: sealNote(this.cipher, noteId, body.body),
        authorId: ctx.actor.id,
        createdAt: this.clock.now(),
      });
      await manager.insert(ContactRequestNote, note);
      await this.audit.record(manager, ctx, {
        action: 'contact_request.note_added',
        entityType: 'contact_request',
        entityId: id,
        metadata: { noteId },
      });
      return { note, body: body.body };
    });
  }

  /** Erasure on request: the row, its notes and history go; the audit log keeps only that it happened. */
  erase(id: string, ctx: AuditContext): Promise<void> {
    return this.dataSource.transaction(async (manager) => {
      const request = await this.find(manager, id, true);
      await manager.delete(ContactRequest, { id });
      await this.audit.record(manager, ctx, {
        action: 'contact_request.erased',
        entityType: 'contact_request',
        entityId: id,
        metadata: { status: request.status },
      });
    });
  }

  async auditTrail(id: string, page: { page: number; pageSize: number }): Promise<Page<AuditEvent>> {
    const query = { ...page, entityType: 'contact_request', entityId: id, sort: 'occurredAt' } as ListAuditEventsQuery;
    return this.audit.list(query);
  }

  private async record(manager: EntityManager, id: string): Promise<RequestRecord> {
    const request = await this.find(manager, id);
    const [notes, history] = await Promise.all([
      manager.find(ContactRequestNote, { where: { contactRequestId: id }, order: { createdAt: 'ASC', id: 'ASC' } }),
      manager.find(ContactRequestStatusChange, {
        where: { contactRequestId: id },
        order: { changedAt: 'ASC', id: 'ASC' },
      }),
    ]);
    return {
      request,
      details: open(this.cipher, request),
      notes: notes.map((note) => ({ note, body: openNote(this.cipher, note) })),
      history,
    };
  }

  private async find(manager: EntityManager, id: string, lock = false): Promise<ContactRequest> {
    const request = await manager.findOne(ContactRequest, {
      where: { id },
      ...(lock ? { lock: { mode: 'pessimistic_write' as const } } : {}),
    });
    if (!request) throw new AppException('not_found', 'No contact request has this id.');
    return request;
  }

  private async assertActiveStaff(manager: EntityManager, userId: string): Promise<void> {
    if (!(await manager.existsBy(User, { id: userId, active: true }))) {
      throw validationFailed([{ field: 'assignedTo', message: 'assignedTo must be an active staff member' }]);
    }
  }

  private byContact(phone?: string, email?: string): FindOptionsWhere<ContactRequest> {
    const where: FindOptionsWhere<ContactRequest> = {};
    if (phone !== undefined) {
      const e164 = normalizePhone(phone, this.config.contactRequests.defaultRegion);
      if (!e164) throw validationFailed([{ field: 'phone', message: 'phone must be a valid phone number' }]);
      where.phoneIndex = In(this.cipher.blindIndexes(e164, PHONE_INDEX));
    }
    if (email !== undefined) where.emailIndex = In(this.cipher.blindIndexes(normalizeEmail(email), EMAIL_INDEX));
    return where;
  }
}
