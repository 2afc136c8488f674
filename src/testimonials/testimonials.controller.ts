import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AuditContext } from '../common/audit/audit-log.js';
import { Audit, Public } from '../common/access/decorators.js';
import { pageItemTags, PublicCache } from '../common/http/caching/index.js';
import { ApiProblems } from '../common/openapi/api-problems.js';
import { ApiPageResponse, mapPage, type Page } from '../common/pagination/pagination.js';
import { SubmissionRateLimit } from '../rate-limit/index.js';
import { ListTestimonialsQuery, SubmitTestimonialRequest } from './dto/testimonial.requests.js';
import { mapTestimonial, TestimonialResponse, TestimonialSubmissionResponse } from './dto/testimonial.responses.js';
import { TESTIMONIALS_CACHE_TAG, TestimonialsService } from './testimonials.service.js';

/** What the public website shows and collects: approved testimonials only; submissions wait for staff review. */
@ApiTags('testimonials')
@Public()
@Controller('testimonials')
export class TestimonialsController {
  constructor(private readonly testimonials: TestimonialsService) {}

  /**
   * Filter by `service` and `featured`. May be answered from server memory (`X-Cache: HIT`) until that copy expires
   * or a staff change clears it; browsers and CDNs may keep their copy for as long as `Cache-Control` allows.
   */
  @Get()
  @PublicCache({ serverCacheTag: TESTIMONIALS_CACHE_TAG, contentTags: pageItemTags('testimonial') })
  @ApiOperation({
    operationId: 'listTestimonials',
    summary: 'Approved testimonials: featured first, then in the clinic’s order, then newest',
  })
  @ApiPageResponse(TestimonialResponse)
  @ApiProblems('validation_failed')
  async list(@Query() query: ListTestimonialsQuery): Promise<Page<TestimonialResponse>> {
    return mapPage(await this.testimonials.list(query), mapTestimonial);
  }

  /**
   * Stored as `pending` until staff approve it. Only the last name's initial is kept. `consent` must be `true`.
   * There is no way to read a submission back. `service` names a published service: a hidden one is refused
   * exactly as one that does not exist (400 naming `service`).
   */
  @Post('submissions')
  @HttpCode(201)
  @SubmissionRateLimit()
  @ApiOperation({ operationId: 'submitTestimonial', summary: 'Send the clinic a testimonial' })
  @ApiCreatedResponse({ type: TestimonialSubmissionResponse })
  @ApiProblems('validation_failed')
  async submit(
    @Body() body: SubmitTestimonialRequest,
    @Audit() ctx: AuditContext,
  ): Promise<TestimonialSubmissionResponse> {
    const testimonial = await this.testimonials.submit(body, ctx);
    // A honeypot catch looks exactly like a real submission.
    return { id: testimonial.id, status: 'pending' };
  }
}
