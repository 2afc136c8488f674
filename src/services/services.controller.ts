import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { Public } from '../common/access/decorators.js';
import { itemTag, pageItemTags, PublicCache } from '../common/http/caching/index.js';
import { ApiProblems } from '../common/openapi/api-problems.js';
import { ApiPageResponse, mapPage, type Page } from '../common/pagination/pagination.js';
import { SlugParam } from '../common/validation/decorators.js';
import { ListServicesQuery, MAX_SERVICE_SLUG_LENGTH } from './dto/service.requests.js';
import { mapService, mapServiceDetail, ServiceDetailResponse, ServiceResponse } from './dto/service.responses.js';
import { SERVICES_CACHE_TAG, ServicesService } from './services.service.js';

/** The services as the public website shows them: published ones only. */
@ApiTags('services')
@Public()
@Controller('services')
export class ServicesController {
  constructor(private readonly services: ServicesService) {}

  /** In the clinic's order. Filter by `audience` and `format`. Cacheable: `ETag`, and 304 on `If-None-Match`. */
  @Get()
  @PublicCache({ serverCacheTag: SERVICES_CACHE_TAG, contentTags: pageItemTags('service', 'slug') })
  @ApiOperation({ operationId: 'listServices', summary: 'Published services in the clinic’s order' })
  @ApiPageResponse(ServiceResponse)
  @ApiProblems('validation_failed')
  async list(@Query() query: ListServicesQuery): Promise<Page<ServiceResponse>> {
    return mapPage(await this.services.listPublic(query), mapService);
  }

  @Get(':slug')
  @PublicCache({ serverCacheTag: SERVICES_CACHE_TAG, contentTags: itemTag('service', 'slug') })
  @ApiParam({ name: 'slug', example: 'couples-therapy', description: 'The service’s slug.' })
  @ApiOperation({ operationId: 'getService', summary: 'One published service with the practitioners who offer it' })
  @ApiOkResponse({ type: ServiceDetailResponse })
  @ApiProblems('validation_failed', 'not_found')
  async get(@SlugParam('slug', MAX_SERVICE_SLUG_LENGTH) slug: string): Promise<ServiceDetailResponse> {
    const { service, practitioners } = await this.services.getPublic(slug);
    return mapServiceDetail(service, practitioners);
  }
}
