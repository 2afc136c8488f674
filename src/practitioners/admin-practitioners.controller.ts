import { Body, Controller, Delete, Get, HttpCode, Patch, Post, Query } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AuditContext } from '../common/audit/audit-log.js';
import { Audit, Roles } from '../common/access/decorators.js';
import { ApiIfMatch, IfMatch } from '../common/http/if-match.js';
import { Created } from '../common/http/response-headers.js';
import { ApiProblems } from '../common/openapi/api-problems.js';
import { ApiPageResponse, mapPage, type Page } from '../common/pagination/pagination.js';
import { UuidParam } from '../common/validation/decorators.js';
import {
  AdminListPractitionersQuery,
  CreatePractitionerRequest,
  UpdatePractitionerRequest,
} from './dto/practitioner.requests.js';
import { AdminPractitionerResponse, mapAdminPractitioner } from './dto/practitioner.responses.js';
import { type AdminPractitionerView, PractitionersService } from './practitioners.service.js';

const toResponse = (view: AdminPractitionerView) => mapAdminPractitioner(view, view.previousSlugs);

/** Staff's management of practitioners. Every single-practitioner response carries its ETag. */
@ApiTags('practitioners')
@Roles('editor')
@Controller('admin/practitioners')
export class AdminPractitionersController {
  constructor(private readonly practitioners: PractitionersService) {}

  /** Published and hidden, with the same filters as the public list plus `published`. */
  @Get()
  @ApiOperation({ operationId: 'adminListPractitioners', summary: 'Practitioners, published or hidden' })
  @ApiPageResponse(AdminPractitionerResponse)
  @ApiProblems('validation_failed')
  async list(@Query() query: AdminListPractitionersQuery): Promise<Page<AdminPractitionerResponse>> {
    return mapPage(await this.practitioners.list(query), toResponse);
  }

  /** A slug taken is 409; an unknown service or location slug is 400 naming `services` or `locations`. */
  @Post()
  @ApiOperation({ operationId: 'createPractitioner', summary: 'Add a practitioner' })
  @Created(AdminPractitionerResponse, '/api/v1/admin/practitioners/{id}')
  @ApiProblems('validation_failed', 'conflict')
  async create(
    @Body() body: CreatePractitionerRequest,
    @Audit() ctx: AuditContext,
  ): Promise<AdminPractitionerResponse> {
    return toResponse(await this.practitioners.create(body, ctx));
  }

  /** Answers with `ETag: "v<version>"`: send it as `If-Match` to edit or delete. */
  @Get(':id')
  @ApiOperation({ operationId: 'adminGetPractitioner', summary: 'One practitioner, published or hidden' })
  @ApiOkResponse({ type: AdminPractitionerResponse })
  @ApiProblems('validation_failed', 'not_found')
  async get(@UuidParam('id') id: string): Promise<AdminPractitionerResponse> {
    return toResponse(await this.practitioners.get(id));
  }

  /** Only the fields sent change; lists are replaced whole. A new slug keeps the old one as a 301. */
  @Patch(':id')
  @ApiIfMatch('practitioner')
  @ApiOperation({ operationId: 'updatePractitioner', summary: 'Edit a practitioner' })
  @ApiOkResponse({ type: AdminPractitionerResponse })
  @ApiProblems('validation_failed', 'not_found', 'precondition_failed', 'conflict')
  async update(
    @UuidParam('id') id: string,
    @Body() body: UpdatePractitionerRequest,
    @IfMatch() ifMatch: string | undefined,
    @Audit() ctx: AuditContext,
  ): Promise<AdminPractitionerResponse> {
    return toResponse(await this.practitioners.update(id, body, ifMatch, ctx));
  }

  /** 409 while contact requests name them: unpublish them instead. */
  @Delete(':id')
  @HttpCode(204)
  @ApiIfMatch('practitioner')
  @ApiOperation({ operationId: 'deletePractitioner', summary: 'Delete a practitioner' })
  @ApiNoContentResponse({ description: 'Deleted, with their old slugs.' })
  @ApiProblems('validation_failed', 'not_found', 'precondition_failed', 'conflict')
  async remove(
    @UuidParam('id') id: string,
    @IfMatch() ifMatch: string | undefined,
    @Audit() ctx: AuditContext,
  ): Promise<void> {
    await this.practitioners.remove(id, ifMatch, ctx);
  }
}
