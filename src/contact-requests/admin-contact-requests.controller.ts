import { Body, Controller, Delete, Get, HttpCode, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AuditContext } from '../common/audit/audit-log.js';
import { AuditEventResponse, mapAuditEvent } from '../audit/index.js';
import { Audit, Roles } from '../common/access/decorators.js';
import { ApiIfMatch, IfMatch } from '../common/http/if-match.js';
import { ApiProblems } from '../common/openapi/api-problems.js';
import {
  ApiPageResponse,
  CappedPageMeta,
  mapPage,
  type Page,
  PaginationQueryDto,
} from '../common/pagination/pagination.js';
import { UuidParam } from '../common/validation/decorators.js';
import { AdminContactRequestsService } from './admin-contact-requests.service.js';
import {
  CreateNoteRequest,
  ListContactRequestsQuery,
  SearchContactRequestsRequest,
  UpdateContactRequestRequest,
} from './dto/contact-request.requests.js';
import {
  ContactRequestNoteResponse,
  ContactRequestResponse,
  ContactRequestSummaryResponse,
  mapNote,
  mapRequest,
  mapSummary,
} from './dto/contact-request.responses.js';
import { ApiEvents, CONTACT_REQUEST_CREATED, CONTACT_REQUEST_REPLY_OVERDUE } from '../notifications/index.js';

/** The front desk's queue. Reading a request's details is recorded, so the clinic knows who looked at what. */
@ApiTags('contact-requests')
@ApiEvents(CONTACT_REQUEST_CREATED, CONTACT_REQUEST_REPLY_OVERDUE)
@Roles('frontdesk')
@Controller('admin/contact-requests')
export class AdminContactRequestsController {
  constructor(private readonly requests: AdminContactRequestsService) {}

  /**
   * Newest first; phone and email shown masked. Listing is audited (which requests, not their contents). To find
   * someone by phone number or email address, use the search (`POST …/search`): those never go in a URL.
   */
  @Get()
  @ApiOperation({ operationId: 'listContactRequests', summary: 'List contact requests' })
  @ApiPageResponse(ContactRequestSummaryResponse)
  @ApiProblems('validation_failed')
  async list(
    @Query() query: ListContactRequestsQuery,
    @Audit() ctx: AuditContext,
  ): Promise<Page<ContactRequestSummaryResponse>> {
    return mapPage(await this.requests.list(query, ctx), mapSummary);
  }

  /**
   * The list's filters and pagination in a JSON body, plus `phone` and/or `email` (at least one; exact matches,
   * normalized like submissions). A body, because URLs end up in proxy, CDN and browser logs. The search is audited
   * (`contact_request.searched`: which kinds of terms were used, the ids found and the count, never the terms).
   */
  @Post('search')
  @HttpCode(200)
  @ApiOperation({ operationId: 'searchContactRequests', summary: 'Find contact requests by phone or email' })
  @ApiPageResponse(ContactRequestSummaryResponse)
  @ApiProblems('validation_failed')
  async search(
    @Body() body: SearchContactRequestsRequest,
    @Audit() ctx: AuditContext,
  ): Promise<Page<ContactRequestSummaryResponse>> {
    return mapPage(await this.requests.search(body, ctx), mapSummary);
  }

  /** Decrypted, with notes and status history. Every read writes an audit event. */
  @Get(':id')
  @ApiOperation({ operationId: 'getContactRequest', summary: 'One contact request, in full' })
  @ApiOkResponse({ type: ContactRequestResponse })
  @ApiProblems('validation_failed', 'not_found')
  async get(@UuidParam('id') id: string, @Audit() ctx: AuditContext): Promise<ContactRequestResponse> {
    return mapRequest(await this.requests.get(id, ctx));
  }

  /** `status`: new → in_progress → contacted → closed, or any → spam (final). `assignedTo`: an active staff member. */
  @Patch(':id')
  @ApiIfMatch('contact request')
  @ApiOperation({ operationId: 'updateContactRequest', summary: 'Move the status or assign a contact request' })
  @ApiOkResponse({ type: ContactRequestResponse })
  @ApiProblems('validation_failed', 'not_found', 'invalid_transition', 'precondition_failed')
  async update(
    @UuidParam('id') id: string,
    @Body() body: UpdateContactRequestRequest,
    @IfMatch() ifMatch: string | undefined,
    @Audit() ctx: AuditContext,
  ): Promise<ContactRequestResponse> {
    return mapRequest(await this.requests.update(id, body, ifMatch, ctx));
  }

  /** Internal, encrypted like the message. */
  @Post(':id/notes')
  @HttpCode(201)
  @ApiOperation({ operationId: 'addContactRequestNote', summary: 'Add an internal note' })
  @ApiCreatedResponse({ type: ContactRequestNoteResponse })
  @ApiProblems('validation_failed', 'not_found')
  async addNote(
    @UuidParam('id') id: string,
    @Body() body: CreateNoteRequest,
    @Audit() ctx: AuditContext,
  ): Promise<ContactRequestNoteResponse> {
    return mapNote(await this.requests.addNote(id, body, ctx));
  }

  /** Erasure on the person's request: the request, its notes and history are deleted; the audit log keeps that it happened. */
  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ operationId: 'eraseContactRequest', summary: 'Erase a contact request' })
  @ApiNoContentResponse({ description: 'Erased.' })
  @ApiProblems('validation_failed', 'not_found')
  async erase(@UuidParam('id') id: string, @Audit() ctx: AuditContext): Promise<void> {
    await this.requests.erase(id, ctx);
  }

  /** Who read or changed it, oldest first (also after erasure). */
  @Get(':id/audit')
  @ApiOperation({ operationId: 'listContactRequestAudit', summary: 'The audit events of one contact request' })
  @ApiPageResponse(AuditEventResponse, undefined, CappedPageMeta)
  @ApiProblems('validation_failed')
  async auditTrail(@UuidParam('id') id: string, @Query() query: PaginationQueryDto): Promise<Page<AuditEventResponse>> {
    return mapPage(await this.requests.auditTrail(id, query), mapAuditEvent);
  }
}
