import { Body, Controller, Delete, Get, HttpCode, Patch, Post, Put, Query, Res } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Audit, Roles } from '../common/access/decorators.js';
import type { AuditContext } from '../common/audit/audit-log.js';
import { Created, LOCATION_HEADER } from '../common/http/response-headers.js';
import { ApiProblems } from '../common/openapi/api-problems.js';
import { ApiPageResponse, mapPage, type Page, PaginationQueryDto } from '../common/pagination/pagination.js';
import { SlugParam, UuidParam } from '../common/validation/decorators.js';
import { ExceptionRequest, PutScheduleRequest, UpdateExceptionRequest } from './dto/hours.requests.js';
import { ExceptionResponse, mapException, mapSchedule, ScheduleResponse } from './dto/hours.responses.js';
import { HoursService } from './hours.service.js';
import { ApiEvents, HOURS_CHANGED } from '../notifications/index.js';

const KEY_PARAM = { name: 'key', example: 'text-line', description: 'The schedule’s key (a slug).' };

@ApiTags('hours')
@ApiEvents(HOURS_CHANGED)
@Controller('admin/hours')
@Roles('frontdesk')
export class AdminHoursController {
  constructor(private readonly hours: HoursService) {}

  /** Creates the schedule (201) or replaces its name, zone, description and weekly periods (200). */
  @Put(':key')
  @ApiParam(KEY_PARAM)
  @ApiOperation({ operationId: 'putSchedule', summary: 'Create or replace a schedule' })
  @ApiOkResponse({ type: ScheduleResponse, description: 'Replaced.' })
  @ApiCreatedResponse({ type: ScheduleResponse, description: 'Created.', headers: LOCATION_HEADER })
  @ApiProblems('validation_failed')
  async put(
    @SlugParam('key') key: string,
    @Body() body: PutScheduleRequest,
    @Audit() ctx: AuditContext,
    // The status, and whether there is a Location, depend on whether the schedule was created.
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ScheduleResponse> {
    const { created } = await this.hours.put(key, body, ctx);
    if (created) void reply.status(201).header('location', `/api/v1/hours/${key}`);
    const { schedule, upcoming } = await this.hours.get(key);
    return mapSchedule(schedule, upcoming);
  }

  /** Deletes the schedule and its exceptions. */
  @Delete(':key')
  @HttpCode(204)
  @ApiParam(KEY_PARAM)
  @ApiOperation({ operationId: 'deleteSchedule', summary: 'Delete a schedule' })
  @ApiNoContentResponse({ description: 'Deleted.' })
  @ApiProblems('validation_failed', 'not_found')
  async remove(@SlugParam('key') key: string, @Audit() ctx: AuditContext): Promise<void> {
    await this.hours.remove(key, ctx);
  }

  /**
   * Past and far-off ones included, unlike a schedule's public `exceptions`, which only show the next 90 days. Dates
   * are local dates in the schedule's `timeZone`.
   */
  @Get(':key/exceptions')
  @ApiParam(KEY_PARAM)
  @ApiOperation({ operationId: 'listHoursExceptions', summary: 'Every exception of a schedule, by start date' })
  @ApiPageResponse(ExceptionResponse)
  @ApiProblems('validation_failed', 'not_found')
  async listExceptions(
    @SlugParam('key') key: string,
    @Query() query: PaginationQueryDto,
  ): Promise<Page<ExceptionResponse>> {
    return mapPage(await this.hours.listExceptions(key, query), (e) => mapException(key, e));
  }

  /**
   * `startDate` to `endDate` (inclusive; default `startDate`) are local dates in the schedule's `timeZone`, at most 366
   * days. `closed: true` closes every date of the range; `closed: false` replaces its weekly periods with `periods` (at
   * least one). 409 when the range shares a date with another exception of this schedule (the detail names it).
   * Recorded in the audit log.
   */
  @Post(':key/exceptions')
  @ApiParam(KEY_PARAM)
  @ApiOperation({ operationId: 'createHoursException', summary: 'Close or change the hours for a date range' })
  @Created(ExceptionResponse, '/api/v1/admin/hours/{key}/exceptions/{id}')
  @ApiProblems('validation_failed', 'not_found', 'conflict')
  async createException(
    @SlugParam('key') key: string,
    @Body() body: ExceptionRequest,
    @Audit() ctx: AuditContext,
  ): Promise<ExceptionResponse> {
    return mapException(key, await this.hours.createException(key, body, ctx));
  }

  /** Where a created exception's `Location` points. 404 if it belongs to another schedule. */
  @Get(':key/exceptions/:id')
  @ApiParam(KEY_PARAM)
  @ApiOperation({ operationId: 'getHoursException', summary: 'One exception of a schedule' })
  @ApiOkResponse({ type: ExceptionResponse })
  @ApiProblems('validation_failed', 'not_found')
  async getException(@SlugParam('key') key: string, @UuidParam('id') id: string): Promise<ExceptionResponse> {
    return mapException(key, await this.hours.getException(key, id));
  }

  /**
   * Changes the fields sent; the result is checked as on create, 409 included. Moving the `startDate` of a one-day
   * exception without sending `endDate` moves `endDate` too. `closed: true` drops its periods; `closed: false` needs
   * `periods` unless it already has some. Recorded in the audit log.
   */
  @Patch(':key/exceptions/:id')
  @ApiParam(KEY_PARAM)
  @ApiOperation({ operationId: 'updateHoursException', summary: 'Change an exception' })
  @ApiOkResponse({ type: ExceptionResponse })
  @ApiProblems('validation_failed', 'not_found', 'conflict')
  async updateException(
    @SlugParam('key') key: string,
    @UuidParam('id') id: string,
    @Body() body: UpdateExceptionRequest,
    @Audit() ctx: AuditContext,
  ): Promise<ExceptionResponse> {
    return mapException(key, await this.hours.updateException(key, id, body, ctx));
  }

  /** Its dates follow the weekly periods again. 404 if it belongs to another schedule. Recorded in the audit log. */
  @Delete(':key/exceptions/:id')
  @HttpCode(204)
  @ApiParam(KEY_PARAM)
  @ApiOperation({ operationId: 'deleteHoursException', summary: 'Delete an exception' })
  @ApiNoContentResponse({ description: 'Deleted.' })
  @ApiProblems('validation_failed', 'not_found')
  async removeException(
    @SlugParam('key') key: string,
    @UuidParam('id') id: string,
    @Audit() ctx: AuditContext,
  ): Promise<void> {
    await this.hours.removeException(key, id, ctx);
  }
}
