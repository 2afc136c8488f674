import { Body, Controller, Delete, Get, HttpCode, Patch, Post, Query, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { AuditContext } from '../audit/audit.service.js';
import { AuditEventResponse, mapAuditEvent } from '../audit/dto/audit-event.response.js';
import { Audit, Roles } from '../auth/decorators.js';
import { ApiIfMatch, IfMatch, versionEtag } from '../common/http/if-match.js';
import { ApiProblems } from '../common/openapi/api-problems.js';
import { ApiPageResponse, mapPage, type Page, PaginationQueryDto } from '../common/pagination/pagination.js';
import { UuidParam } from '../common/validation/decorators.js';
import { AdminContactRequestsService, type RequestRecord } from './admin-contact-requests.service.js';
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

/** The front desk's queue. Reading a request's details is recorded, so the clinic knows who looked at what. */
@ApiTags('contact-requests')
@Roles('frontdesk')
@Controller('admin/contact-requests')
export class AdminContactRequestsController {
  constructor(private readonly requests: AdminContactRequestsService) {}

  private respond(record: RequestRecord, reply: FastifyReply): ContactRequestResponse {
    void reply.header('etag', versionEtag(record.request.version));
    return mapRequest(record);
  }

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
  async get(
    @UuidParam('id') id: string,
    @Audit() ctx: AuditContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ContactRequestResponse> {
    return this.respond(await this.requests.get(id, ctx), reply);
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
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ContactRequestResponse> {
    return this.respond(await this.requests.update(id, body, ifMatch, ctx), reply);
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
  @ApiPageResponse(AuditEventResponse)
  @ApiProblems('validation_failed')
  async auditTrail(@UuidParam('id') id: string, @Query() query: PaginationQueryDto): Promise<Page<AuditEventResponse>> {
    return mapPage(await this.requests.auditTrail(id, query), mapAuditEvent);
  }
}
