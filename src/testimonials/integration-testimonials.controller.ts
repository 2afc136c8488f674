import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiKeyScope } from '../common/access/decorators.js';
import { ApiProblems } from '../common/openapi/api-problems.js';
import { decodeFeedCursor, encodeFeedCursor, TestimonialChangeFeed } from './testimonial-change-feed.service.js';
import { TestimonialChangesQuery } from './dto/testimonial.requests.js';
import { mapChange, TestimonialChangesResponse, TestimonialSnapshotResponse } from './dto/testimonial.responses.js';
import { feedView } from './testimonial-content.js';

/**
 * For partner sites: start from the snapshot, then poll the change feed with the cursor it returned. Applying
 * every change in order keeps a copy equal to the public set, withdrawals included.
 */
@ApiTags('testimonials')
@ApiKeyScope('testimonials:read')
@Controller('integrations/testimonials')
export class IntegrationTestimonialsController {
  constructor(private readonly feed: TestimonialChangeFeed) {}

  /**
   * Every approved testimonial in one response (no paging), in the public site's order, each with its `sortOrder`.
   * `meta.nextCursor` is the feed position the set was read at: pass it as `cursor` to `listTestimonialChanges` to get
   * every later change exactly once, none missed.
   */
  @Get()
  @ApiOperation({
    operationId: 'getTestimonialSnapshot',
    summary: 'The whole public set now, with the cursor the change feed continues from',
  })
  @ApiOkResponse({ type: TestimonialSnapshotResponse })
  @ApiProblems('validation_failed')
  async snapshot(): Promise<TestimonialSnapshotResponse> {
    const { testimonials, seq } = await this.feed.snapshot();
    return {
      data: testimonials.map(feedView),
      meta: { nextCursor: encodeFeedCursor(seq), total: testimonials.length },
    };
  }

  /**
   * Every change to the public set after `cursor`, in commit order: `upsert` when a testimonial is approved or
   * edited, `delete` when it is rejected, withdrawn or deleted. Polling with each `nextCursor` sees every
   * change exactly once. A withdrawn testimonial's earlier upserts are removed from the feed.
   */
  @Get('changes')
  @ApiOperation({ operationId: 'listTestimonialChanges', summary: 'Changes to the public set since a cursor' })
  @ApiOkResponse({ type: TestimonialChangesResponse })
  @ApiProblems('validation_failed')
  async changes(@Query() query: TestimonialChangesQuery): Promise<TestimonialChangesResponse> {
    const cursor = query.cursor === undefined ? 0 : decodeFeedCursor(query.cursor);
    const { changes, hasMore } = await this.feed.changesAfter(cursor, query.limit);
    const last = changes.at(-1)?.seq ?? cursor;
    return { data: changes.map(mapChange), meta: { nextCursor: encodeFeedCursor(last), hasMore } };
  }
}
