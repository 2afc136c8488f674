import { Body, Controller, Delete, Get, HttpCode, Patch, Post, Query } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AuditContext } from '../common/audit/audit-log.js';
import { Audit, Roles } from '../common/access/decorators.js';
import { ApiIfMatch, IfMatch } from '../common/http/if-match.js';
import { Created } from '../common/http/response-headers.js';
import { ApiProblems } from '../common/openapi/api-problems.js';
import { ApiPageResponse, mapPage, type Page } from '../common/pagination/pagination.js';
import { UuidParam } from '../common/validation/decorators.js';
import { AdminListLocationsQuery, CreateLocationRequest, UpdateLocationRequest } from './dto/location.requests.js';
import { AdminLocationResponse, mapAdminLocation } from './dto/location.responses.js';
import { LocationsService } from './locations.service.js';

/** Staff's management of the clinic's locations. Every single-location response carries its ETag. */
@ApiTags('locations')
@Roles('editor')
@Controller('admin/locations')
export class AdminLocationsController {
  constructor(private readonly locations: LocationsService) {}

  /** Published and hidden, in the clinic's order. */
  @Get()
  @ApiOperation({ operationId: 'adminListLocations', summary: 'Locations, published or not' })
  @ApiPageResponse(AdminLocationResponse)
  @ApiProblems('validation_failed')
  async list(@Query() query: AdminListLocationsQuery): Promise<Page<AdminLocationResponse>> {
    return mapPage(await this.locations.list(query), mapAdminLocation);
  }

  /** A slug already taken is 409; an `hoursKey` naming no schedule is 400. */
  @Post()
  @ApiOperation({ operationId: 'createLocation', summary: 'Add a location' })
  @Created(AdminLocationResponse, '/api/v1/admin/locations/{id}')
  @ApiProblems('validation_failed', 'conflict')
  async create(@Body() body: CreateLocationRequest, @Audit() ctx: AuditContext): Promise<AdminLocationResponse> {
    return mapAdminLocation(await this.locations.create(body, ctx));
  }

  /** Answers with `ETag: "v<version>"`: send it as `If-Match` to edit or delete it. */
  @Get(':id')
  @ApiOperation({ operationId: 'adminGetLocation', summary: 'One location, published or not' })
  @ApiOkResponse({ type: AdminLocationResponse })
  @ApiProblems('validation_failed', 'not_found')
  async get(@UuidParam('id') id: string): Promise<AdminLocationResponse> {
    return mapAdminLocation(await this.locations.get(id));
  }

  /** Only the fields sent change (`address` and `geo` are replaced whole). The slug cannot change. */
  @Patch(':id')
  @ApiIfMatch('location')
  @ApiOperation({ operationId: 'updateLocation', summary: 'Edit a location' })
  @ApiOkResponse({ type: AdminLocationResponse })
  @ApiProblems('validation_failed', 'not_found', 'precondition_failed')
  async update(
    @UuidParam('id') id: string,
    @Body() body: UpdateLocationRequest,
    @IfMatch() ifMatch: string | undefined,
    @Audit() ctx: AuditContext,
  ): Promise<AdminLocationResponse> {
    return mapAdminLocation(await this.locations.update(id, body, ifMatch, ctx));
  }

  /** 409 while practitioners or contact requests name it: unpublish it instead. */
  @Delete(':id')
  @HttpCode(204)
  @ApiIfMatch('location')
  @ApiOperation({ operationId: 'deleteLocation', summary: 'Delete a location no one names' })
  @ApiNoContentResponse({ description: 'Deleted.' })
  @ApiProblems('validation_failed', 'not_found', 'precondition_failed', 'conflict')
  async remove(
    @UuidParam('id') id: string,
    @IfMatch() ifMatch: string | undefined,
    @Audit() ctx: AuditContext,
  ): Promise<void> {
    await this.locations.remove(id, ifMatch, ctx);
  }
}
