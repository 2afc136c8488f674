import { Controller, Get, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiPageResponse, mapPage, type Page } from '../common/pagination/pagination.js';
import { ApiProblems } from '../common/openapi/api-problems.js';
import { Roles } from '../auth/decorators.js';
import { AuditService } from './audit.service.js';
import { AuditEventResponse, mapAuditEvent } from './dto/audit-event.response.js';
import { ListAuditEventsQuery } from './dto/list-audit-events.query.js';

/** Read-only: no route can change or delete an audit event. */
@ApiTags('audit')
@Controller('admin/audit-events')
export class AdminAuditEventsController {
  constructor(private readonly audit: AuditService) {}

  /**
   * Filters combine: `action` and `entityType` match exactly; `from` and `to` are inclusive (`to` before `from` is
   * a 400). `sort=occurredAt` lists oldest first. Events are never changed or deleted, so they outlive the users and
   * contact requests they name; `metadata` holds ids, field names and reasons, never personal data.
   */
  @Get()
  @Roles('admin')
  @ApiOperation({ operationId: 'listAuditEvents', summary: 'List audit events, newest first' })
  @ApiPageResponse(AuditEventResponse)
  @ApiProblems('validation_failed')
  async list(@Query() query: ListAuditEventsQuery): Promise<Page<AuditEventResponse>> {
    return mapPage(await this.audit.list(query), mapAuditEvent);
  }
}
