import { Body, Controller, Delete, Get, HttpCode, Patch, Post, Query } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AuditContext } from '../common/audit/audit-log.js';
import { Audit, Roles } from '../common/access/decorators.js';
import { ApiIfMatch, IfMatch } from '../common/http/if-match.js';
import { Created } from '../common/http/response-headers.js';
import { ApiProblems } from '../common/openapi/api-problems.js';
import { ApiPageResponse, mapPage, type Page } from '../common/pagination/pagination.js';
import { UuidParam } from '../common/validation/decorators.js';
import { AdminListServicesQuery, CreateServiceRequest, UpdateServiceRequest } from './dto/service.requests.js';
import { AdminServiceResponse, mapAdminService } from './dto/service.responses.js';
import { ServicesService } from './services.service.js';

/** Staff's management of the services the clinic offers. Every single-service response carries its ETag. */
@ApiTags('services')
@Roles('editor')
@Controller('admin/services')
export class AdminServicesController {
  constructor(private readonly services: ServicesService) {}

  /** Published and hidden. Filter by `audience`, `format`, `published`; `sort` by sortOrder (default), name, dates. */
  @Get()
  @ApiOperation({ operationId: 'adminListServices', summary: 'Services, published or not' })
  @ApiPageResponse(AdminServiceResponse)
  @ApiProblems('validation_failed')
  async list(@Query() query: AdminListServicesQuery): Promise<Page<AdminServiceResponse>> {
    return mapPage(await this.services.list(query), mapAdminService);
  }

  /** The slug is fixed once created. A slug already taken is 409. */
  @Post()
  @ApiOperation({ operationId: 'createService', summary: 'Add a service' })
  @Created(AdminServiceResponse, '/api/v1/admin/services/{id}')
  @ApiProblems('validation_failed', 'conflict')
  async create(@Body() body: CreateServiceRequest, @Audit() ctx: AuditContext): Promise<AdminServiceResponse> {
    return mapAdminService(await this.services.create(body, ctx));
  }

  /** Answers with `ETag: "v<version>"`: send it as `If-Match` to edit or delete it. */
  @Get(':id')
  @ApiOperation({ operationId: 'adminGetService', summary: 'One service, published or not' })
  @ApiOkResponse({ type: AdminServiceResponse })
  @ApiProblems('validation_failed', 'not_found')
  async get(@UuidParam('id') id: string): Promise<AdminServiceResponse> {
    return mapAdminService(await this.services.get(id));
  }

  /** Only the fields sent change (`fee` is replaced whole). The slug cannot change. */
  @Patch(':id')
  @ApiIfMatch('service')
  @ApiOperation({ operationId: 'updateService', summary: 'Edit a service' })
  @ApiOkResponse({ type: AdminServiceResponse })
  @ApiProblems('validation_failed', 'not_found', 'precondition_failed')
  async update(
    @UuidParam('id') id: string,
    @Body() body: UpdateServiceRequest,
    @IfMatch() ifMatch: string | undefined,
    @Audit() ctx: AuditContext,
  ): Promise<AdminServiceResponse> {
    return mapAdminService(await this.services.update(id, body, ifMatch, ctx));
  }

  /** 409 while testimonials, contact requests or practitioners name it: unpublish it instead. */
  @Delete(':id')
  @HttpCode(204)
  @ApiIfMatch('service')
  @ApiOperation({ operationId: 'deleteService', summary: 'Delete a service no one names' })
  @ApiNoContentResponse({ description: 'Deleted.' })
  @ApiProblems('validation_failed', 'not_found', 'precondition_failed', 'conflict')
  async remove(
    @UuidParam('id') id: string,
    @IfMatch() ifMatch: string | undefined,
    @Audit() ctx: AuditContext,
  ): Promise<void> {
    await this.services.remove(id, ifMatch, ctx);
  }
}
