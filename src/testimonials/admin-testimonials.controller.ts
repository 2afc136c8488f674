import { Body, Controller, Delete, Get, HttpCode, Patch, Post, Put, Query } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AuditContext } from '../common/audit/audit-log.js';
import { Audit, Roles } from '../common/access/decorators.js';
import { ApiIfMatch, IfMatch } from '../common/http/if-match.js';
import { Created } from '../common/http/response-headers.js';
import { ApiProblems } from '../common/openapi/api-problems.js';
import { ApiPageResponse, mapPage, type Page } from '../common/pagination/pagination.js';
import { UuidParam } from '../common/validation/decorators.js';
import { AdminTestimonialsService } from './admin-testimonials.service.js';
import {
  AdminListTestimonialsQuery,
  CreateTestimonialRequest,
  ReorderTestimonialsRequest,
  UpdateTestimonialRequest,
} from './dto/testimonial.requests.js';
import { AdminTestimonialResponse, mapAdminTestimonial } from './dto/testimonial.responses.js';
import type { TestimonialAction } from './testimonial-content.js';
import {
  ApiEvents,
  TESTIMONIAL_APPROVED,
  TESTIMONIAL_UNPUBLISHED,
  TESTIMONIAL_UPDATED,
  TESTIMONIAL_WITHDRAWN,
} from '../notifications/index.js';

/** Moderation of testimonials. Every single-testimonial response carries its ETag. */
@ApiTags('testimonials')
@ApiEvents(TESTIMONIAL_APPROVED, TESTIMONIAL_UPDATED, TESTIMONIAL_UNPUBLISHED, TESTIMONIAL_WITHDRAWN)
@Roles('editor')
@Controller('admin/testimonials')
export class AdminTestimonialsController {
  constructor(private readonly testimonials: AdminTestimonialsService) {}

  private async moderate(
    action: TestimonialAction,
    id: string,
    ifMatch: string | undefined,
    ctx: AuditContext,
  ): Promise<AdminTestimonialResponse> {
    return mapAdminTestimonial(await this.testimonials.moderate(id, action, ifMatch, ctx));
  }

  /**
   * Filter by `status`, `service`, `featured` and `spam` (honeypot catches), combined. `sort` takes `createdAt`,
   * `updatedAt`, `approvedAt` and `sortOrder` (default `-createdAt`); ties go by `id`, so pages are stable. Withdrawn
   * ones appear too, erased.
   */
  @Get()
  @ApiOperation({ operationId: 'adminListTestimonials', summary: 'Testimonials in every status' })
  @ApiPageResponse(AdminTestimonialResponse)
  @ApiProblems('validation_failed')
  async list(@Query() query: AdminListTestimonialsQuery): Promise<Page<AdminTestimonialResponse>> {
    return mapPage(await this.testimonials.list(query), mapAdminTestimonial);
  }

  /**
   * For testimonials received by email or in person, with the client's consent on record. Starts `pending`.
   * `service` may name a hidden service (unlike the public form): staff enter testimonials about services before
   * they are on the website.
   */
  @Post()
  @ApiOperation({ operationId: 'createTestimonial', summary: 'Enter a testimonial' })
  @Created(AdminTestimonialResponse, '/api/v1/admin/testimonials/{id}')
  @ApiProblems('validation_failed')
  async create(@Body() body: CreateTestimonialRequest, @Audit() ctx: AuditContext): Promise<AdminTestimonialResponse> {
    return mapAdminTestimonial(await this.testimonials.create(body, ctx));
  }

  /** Sets `sortOrder` of several testimonials at once (all or nothing). */
  @Put('order')
  @HttpCode(204)
  @ApiOperation({ operationId: 'reorderTestimonials', summary: 'Set the order of testimonials' })
  @ApiNoContentResponse({ description: 'Saved.' })
  @ApiProblems('validation_failed', 'not_found')
  async reorder(@Body() body: ReorderTestimonialsRequest, @Audit() ctx: AuditContext): Promise<void> {
    await this.testimonials.reorder(body, ctx);
  }

  /**
   * Answers with `ETag: "v<version>"`: send it as `If-Match` to edit, delete, approve, reject or withdraw it, and get
   * 412 instead of overwriting someone else's change. A withdrawn one is still found, with `quote`, the name and
   * `rating` null.
   */
  @Get(':id')
  @ApiOperation({ operationId: 'adminGetTestimonial', summary: 'One testimonial in any status' })
  @ApiOkResponse({ type: AdminTestimonialResponse })
  @ApiProblems('validation_failed', 'not_found')
  async get(@UuidParam('id') id: string): Promise<AdminTestimonialResponse> {
    return mapAdminTestimonial(await this.testimonials.get(id));
  }

  /** Changes the fields sent. An approved testimonial's edits reach the public site and integrations at once. */
  @Patch(':id')
  @ApiIfMatch('testimonial')
  @ApiOperation({ operationId: 'updateTestimonial', summary: 'Edit a testimonial' })
  @ApiOkResponse({ type: AdminTestimonialResponse })
  @ApiProblems('validation_failed', 'not_found', 'invalid_transition', 'precondition_failed')
  async update(
    @UuidParam('id') id: string,
    @Body() body: UpdateTestimonialRequest,
    @IfMatch() ifMatch: string | undefined,
    @Audit() ctx: AuditContext,
  ): Promise<AdminTestimonialResponse> {
    return mapAdminTestimonial(await this.testimonials.update(id, body, ifMatch, ctx));
  }

  /** Removes it for good; if it was public, integrations receive a delete. */
  @Delete(':id')
  @HttpCode(204)
  @ApiIfMatch('testimonial')
  @ApiOperation({ operationId: 'deleteTestimonial', summary: 'Delete a testimonial' })
  @ApiNoContentResponse({ description: 'Deleted.' })
  @ApiProblems('validation_failed', 'not_found', 'precondition_failed')
  async remove(
    @UuidParam('id') id: string,
    @IfMatch() ifMatch: string | undefined,
    @Audit() ctx: AuditContext,
  ): Promise<void> {
    await this.testimonials.remove(id, ifMatch, ctx);
  }

  /** From pending or rejected: it becomes public (and reaches integrations as an upsert). */
  @Post(':id/approve')
  @HttpCode(200)
  @ApiIfMatch('testimonial')
  @ApiOperation({ operationId: 'approveTestimonial', summary: 'Approve: show it publicly' })
  @ApiOkResponse({ type: AdminTestimonialResponse })
  @ApiProblems('validation_failed', 'not_found', 'invalid_transition', 'precondition_failed')
  approve(
    @UuidParam('id') id: string,
    @IfMatch() ifMatch: string | undefined,
    @Audit() ctx: AuditContext,
  ): Promise<AdminTestimonialResponse> {
    return this.moderate('approve', id, ifMatch, ctx);
  }

  /** From pending or approved; an approved one leaves the public site and integrations receive a delete. */
  @Post(':id/reject')
  @HttpCode(200)
  @ApiIfMatch('testimonial')
  @ApiOperation({ operationId: 'rejectTestimonial', summary: 'Reject: keep it off the public site' })
  @ApiOkResponse({ type: AdminTestimonialResponse })
  @ApiProblems('validation_failed', 'not_found', 'invalid_transition', 'precondition_failed')
  reject(
    @UuidParam('id') id: string,
    @IfMatch() ifMatch: string | undefined,
    @Audit() ctx: AuditContext,
  ): Promise<AdminTestimonialResponse> {
    return this.moderate('reject', id, ifMatch, ctx);
  }

  /**
   * The author withdrew consent: the quote, name and rating are erased for good, it leaves the public site, and
   * integrations receive a delete. It can never be approved again.
   */
  @Post(':id/withdraw')
  @HttpCode(200)
  @ApiIfMatch('testimonial')
  @ApiOperation({ operationId: 'withdrawTestimonial', summary: 'Withdraw consent: erase and unpublish for good' })
  @ApiOkResponse({ type: AdminTestimonialResponse })
  @ApiProblems('validation_failed', 'not_found', 'invalid_transition', 'precondition_failed')
  withdraw(
    @UuidParam('id') id: string,
    @IfMatch() ifMatch: string | undefined,
    @Audit() ctx: AuditContext,
  ): Promise<AdminTestimonialResponse> {
    return this.moderate('withdraw', id, ifMatch, ctx);
  }
}
