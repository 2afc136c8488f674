import { Controller, Get, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiPageResponse, CappedPageMeta, mapPage, type Page } from '../common/pagination/pagination.js';
import { ApiProblems } from '../common/openapi/api-problems.js';
import { Roles } from '../common/access/decorators.js';
import { AuditService } from './audit.service.js';
import { AuditEventResponse, mapAuditEvent } from './dto/audit-event.responses.js';
import { ListAuditEventsQuery } from './dto/audit-event.requests.js';

/** Read-only: no route can change or delete an audit event. */
@ApiTags('audit')
@Controller('admin/audit-events')
export class AdminAuditEventsController {
  constructor(private readonly audit: AuditService) {}

  /**
   * Filters combine: `action` and `entityType` match exactly; `from` and `to` are inclusive (`to` before `from` is
   * a 400). `sort=occurredAt` lists oldest first. Events are never changed or deleted, so they outlive the users and
   * contact requests they name; `metadata` holds ids, field names and reasons, never personal data. `meta.total`
   * counts up to 10,000 matching events, with or without filters: beyond, it is 10,000 and `meta.totalIsLowerBound`
   * is true (later pages still exist), so a page costs the same in a log of millions.
   */
  @Get()
  @Roles('admin')
  @ApiOperation({ operationId: 'listAuditEvents', summary: 'List audit events, newest first' })
  @ApiPageResponse(AuditEventResponse, undefined, CappedPageMeta)
  @ApiProblems('validation_failed')
  async list(@Query() query: ListAuditEventsQuery): Promise<Page<AuditEventResponse, CappedPageMeta>> {
    return mapPage(await this.audit.list(query), mapAuditEvent);
  }
}
