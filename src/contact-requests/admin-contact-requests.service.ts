import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { AuditService } from '../audit/index.js';
import { AuditLog, type AuditContext } from '../common/audit/audit-log.js';
import type { AuditEvent } from '../audit/index.js';
import type { ListAuditEventsQuery } from '../audit/index.js';
import { Clock } from '../common/clock/clock.js';
import { DataCipher } from '../common/crypto/data-cipher.js';
import { AppException } from '../common/errors/app-exception.js';
import { pageWindow, toPage, type Page } from '../common/pagination/pagination.js';
import { notFound, VersionedWrites } from '../common/persistence/versioned-writes.js';
import { instantRange } from '../common/validation/instant-range.js';
import { validationFailed } from '../common/validation/validation-pipe.js';
import { AppConfig } from '../config/app-config.js';
import { RequesterMail } from '../mail/index.js';
import { normalizeEmail, normalizePhone } from './contact-details.js';
import { type ContactDetails, EMAIL_INDEX, open, openNote, PHONE_INDEX, sealNote } from './contact-request-sealing.js';
import { ContactRequestNote } from './contact-request-note.entity.js';
import type { ContactRequestStatusChange } from './contact-request-status-change.entity.js';
import type { ContactRequest, ContactRequestStatus } from './contact-request.entity.js';
import { type ContactRequestFilter, ContactRequestsRepository } from './contact-requests.repository.js';
import type {
  CreateNoteRequest,
  ListContactRequestsQuery,
  SearchContactRequestsRequest,
  UpdateContactRequestRequest,
} from './dto/contact-request.requests.js';

/** The one forward path, and spam from anywhere (but spam is final). */
const NEXT: Record<ContactRequestStatus, readonly ContactRequestStatus[]> = {
  new: ['in_progress', 'spam'],
  in_progress: ['contacted', 'spam'],
  contacted: ['closed', 'spam'],
  closed: ['spam'],
  spam: [],
};

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
    private readonly requests: ContactRequestsRepository,
    private readonly writes: VersionedWrites,
    private readonly cipher: DataCipher,
    private readonly audit: AuditLog,
    private readonly auditEvents: AuditService,
    private readonly clock: Clock,
    private readonly config: AppConfig,
    private readonly requesterMail: RequesterMail,
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
    byContact: Pick<ContactRequestFilter, 'phoneIndexes' | 'emailIndexes'>,
    ctx: AuditContext,
    audited: (rows: ContactRequest[], total: number) => { action: string; metadata: Record<string, unknown> },
  ): Promise<Page<OpenedRequest>> {
    const filter: ContactRequestFilter = {
      status: query.status,
      channel: query.channel,
      serviceInterest: query.serviceInterest,
      location: query.location,
      preferredPractitioner: query.preferredPractitioner,
      createdAt: instantRange(query.from, query.to),
      ...byContact,
    };
    return this.writes.transaction({}, async (manager) => {
      const [rows, total] = await this.requests.findPage(filter, pageWindow(query), manager);
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
    return this.writes.transaction({}, async (manager) => {
      const record = await this.record(manager, id);
      await this.writes.audit(manager, this.requests, record.request, ctx, { action: 'contact_request.read' });
      return record;
    });
  }

  /**
   * Moves the status (one step along NEXT, recorded in the history) and/or (re)assigns the request to an active
   * staff member: one new version, one `contact_request.updated` event. Nothing to change changes nothing.
   */
  update(
    id: string,
    body: UpdateContactRequestRequest,
    ifMatch: string | undefined,
    ctx: AuditContext,
  ): Promise<RequestRecord> {
    return this.writes.transaction({}, async (manager) => {
      await this.writes.change(manager, this.requests, id, ifMatch, ctx, async (request) => {
        const metadata: Record<string, unknown> = {};
        if (body.status !== undefined && body.status !== request.status) {
          const now = this.clock.now();
          await this.move(manager, request, body.status, now, ctx);
          metadata.from = request.status;
          metadata.to = body.status;
          request.status = body.status;
          request.statusChangedAt = now;
        }
        // UUIDs compare case-insensitively; Postgres returns them in lower case.
        const assignedTo = body.assignedTo?.toLowerCase() ?? body.assignedTo;
        if (assignedTo !== undefined && assignedTo !== request.assignedTo) {
          if (assignedTo !== null && !(await this.requests.isActiveStaff(assignedTo, manager))) {
            throw validationFailed([{ field: 'assignedTo', message: 'assignedTo must be an active staff member' }]);
          }
          metadata.assignedTo = assignedTo;
          request.assignedTo = assignedTo;
        }
        return Object.keys(metadata).length > 0 ? { action: 'contact_request.updated', metadata } : undefined;
      });
      return this.record(manager, id);
    });
  }

  addNote(id: string, body: CreateNoteRequest, ctx: AuditContext): Promise<{ note: ContactRequestNote; body: string }> {
    return this.writes.transaction({}, async (manager) => {
      const request = await this.find(manager, id);
      const noteId = randomUUID();
      const note = Object.assign(new ContactRequestNote(), {
        id: noteId,
        contactRequestId: id,
        bodyCipher: sealNote(this.cipher, noteId, body.body),
        authorId: ctx.actor.id,
        createdAt: this.clock.now(),
      });
      await this.requests.addNote(note, manager);
      await this.writes.audit(manager, this.requests, request, ctx, {
        action: 'contact_request.note_added',
        metadata: { noteId },
      });
      return { note, body: body.body };
    });
  }

  /**
   * Erasure on request: the row, its notes and history go, and the emails about it not yet sent (the confirmation
   * holds the address); the audit log keeps only that it happened.
   */
  erase(id: string, ctx: AuditContext): Promise<void> {
    return this.writes.transaction({}, async (manager) => {
      const request = await this.writes.lock(manager, this.requests, id, undefined);
      await this.requests.delete(id, manager);
      await this.requesterMail.forget([id], manager);
      await this.writes.audit(manager, this.requests, request, ctx, {
        action: 'contact_request.erased',
        metadata: { status: request.status },
      });
    });
  }

  async auditTrail(id: string, page: { page: number; pageSize: number }): Promise<Page<AuditEvent>> {
    const query = { ...page, entityType: 'contact_request', entityId: id, sort: 'occurredAt' } as ListAuditEventsQuery;
    return this.auditEvents.list(query);
  }

  /** One step of the status (409 unless NEXT allows it), recorded in the request's history. */
  private async move(
    manager: EntityManager,
    request: ContactRequest,
    to: ContactRequestStatus,
    at: Date,
    ctx: AuditContext,
  ): Promise<void> {
    const allowed = NEXT[request.status];
    if (!allowed.includes(to)) {
      throw new AppException('invalid_transition', `A request in status ${request.status} cannot move to ${to}.`, {
        extensions: { currentStatus: request.status, allowed },
      });
    }
    await this.requests.addStatusChange(
      {
        contactRequestId: request.id,
        fromStatus: request.status,
        toStatus: to,
        changedBy: ctx.actor.id,
        changedAt: at,
      },
      manager,
    );
  }

  private async record(manager: EntityManager, id: string): Promise<RequestRecord> {
    const request = await this.find(manager, id);
    const [notes, history] = await Promise.all([this.requests.notes(id, manager), this.requests.history(id, manager)]);
    return {
      request,
      details: open(this.cipher, request),
      notes: notes.map((note) => ({ note, body: openNote(this.cipher, note) })),
      history,
    };
  }

  private async find(manager: EntityManager, id: string): Promise<ContactRequest> {
    const request = await this.requests.findById(id, manager);
    if (!request) throw notFound(this.requests.noun);
    return request;
  }

  private byContact(phone?: string, email?: string): Pick<ContactRequestFilter, 'phoneIndexes' | 'emailIndexes'> {
    const filter: Pick<ContactRequestFilter, 'phoneIndexes' | 'emailIndexes'> = {};
    if (phone !== undefined) {
      const e164 = normalizePhone(phone, this.config.contactRequests.defaultRegion);
      if (!e164) throw validationFailed([{ field: 'phone', message: 'phone must be a valid phone number' }]);
      filter.phoneIndexes = this.cipher.blindIndexes(e164, PHONE_INDEX);
    }
    if (email !== undefined) filter.emailIndexes = this.cipher.blindIndexes(normalizeEmail(email), EMAIL_INDEX);
    return filter;
  }
}
