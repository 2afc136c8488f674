import { Controller, Get, Query, Res } from '@nestjs/common';
import { ApiMovedPermanentlyResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Public } from '../common/access/decorators.js';
import { itemTag, pageItemTags, PublicCache } from '../common/http/caching/index.js';
import { ApiProblems } from '../common/openapi/api-problems.js';
import { ApiPageResponse, mapPage, type Page } from '../common/pagination/pagination.js';
import { SlugParam } from '../common/validation/decorators.js';
import { AppConfig } from '../config/app-config.js';
import { PRACTITIONERS_CACHE_TAG } from '../services/index.js';
import { ListPractitionersQuery, MAX_PRACTITIONER_SLUG_LENGTH } from './dto/practitioner.requests.js';
import {
  mapPractitioner,
  mapPractitionerDetail,
  PractitionerDetailResponse,
  PractitionerResponse,
} from './dto/practitioner.responses.js';
import { practitionerJsonLdScript } from './json-ld.js';
import { PractitionersService } from './practitioners.service.js';

export const PRACTITIONERS_PATH = '/api/v1/practitioners';
export const SLUG_PARAM = { name: 'slug', example: 'maya-lindqvist', description: 'The practitioner’s slug.' };

/** Who you would see, as the public website shows them: published practitioners only. */
@ApiTags('practitioners')
@Public()
@Controller('practitioners')
export class PractitionersController {
  constructor(
    private readonly practitioners: PractitionersService,
    private readonly config: AppConfig,
  ) {}

  /**
   * In the clinic's order. Filters combine: `specialty` (case-insensitive), `language` (`es` also finds `es-MX`),
   * `service` and `location` (slugs), `telehealth`, `acceptingNewClients`. Cacheable: `ETag`, 304 on `If-None-Match`.
   */
  @Get()
  @PublicCache({ serverCacheTag: PRACTITIONERS_CACHE_TAG, contentTags: pageItemTags('practitioner', 'slug') })
  @ApiOperation({
    operationId: 'listPractitioners',
    summary: 'Published practitioners; filter by specialty, language…',
  })
  @ApiPageResponse(PractitionerResponse)
  @ApiProblems('validation_failed')
  async list(@Query() query: ListPractitionersQuery): Promise<Page<PractitionerResponse>> {
    return mapPage(await this.practitioners.listPublic(query), mapPractitioner);
  }

  /** An old slug answers 301 with the current address in `Location`. Only public licences are shown. */
  @Get(':slug')
  @PublicCache({ serverCacheTag: PRACTITIONERS_CACHE_TAG, contentTags: itemTag('practitioner', 'slug') })
  @ApiParam(SLUG_PARAM)
  @ApiOperation({ operationId: 'getPractitioner', summary: 'One published practitioner with their JSON-LD' })
  @ApiOkResponse({ type: PractitionerDetailResponse })
  @ApiMovedPermanentlyResponse({ description: 'Renamed: `Location` is the practitioner’s current URL.' })
  @ApiProblems('validation_failed', 'not_found')
  async get(
    @SlugParam('slug', MAX_PRACTITIONER_SLUG_LENGTH) slug: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<PractitionerDetailResponse | undefined> {
    const found = await this.practitioners.getPublic(slug);
    if ('movedTo' in found) {
      void reply.status(301).header('location', `${PRACTITIONERS_PATH}/${found.movedTo}`);
      return undefined;
    }
    return mapPractitionerDetail(found.view, practitionerJsonLdScript(found.view, this.config.publicSiteUrl));
  }
}
