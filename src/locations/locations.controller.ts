import { Controller, Get, Query, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Public } from '../common/access/decorators.js';
import { Clock } from '../common/clock/clock.js';
import { publicCacheControl } from '../common/http/etag.js';
import { itemTag, pageItemTags, PublicCache } from '../common/http/caching/index.js';
import { ApiProblems } from '../common/openapi/api-problems.js';
import { ApiPageResponse, mapPage, type Page } from '../common/pagination/pagination.js';
import { SlugParam } from '../common/validation/decorators.js';
import { AppConfig } from '../config/app-config.js';
import { HOURS_CACHE_TAG, secondsUntilNextLocalDay } from '../hours/index.js';
import { ListLocationsQuery, MAX_LOCATION_SLUG_LENGTH } from './dto/location.requests.js';
import { LocationDetailResponse, LocationResponse, mapLocation } from './dto/location.responses.js';
import { locationJsonLdScript } from './json-ld.js';
import { LocationsService } from './locations.service.js';

/** Where the clinic sees clients, as the public website shows them: published locations only. */
@ApiTags('locations')
@Public()
@Controller('locations')
export class LocationsController {
  constructor(
    private readonly locations: LocationsService,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  /**
   * In the clinic's order. Cacheable: `ETag`, and 304 on `If-None-Match`. Cached with the hours: deleting a schedule
   * clears the `hoursKey` of its locations.
   */
  @Get()
  @PublicCache({ serverCacheTag: HOURS_CACHE_TAG, contentTags: pageItemTags('location', 'slug') })
  @ApiOperation({ operationId: 'listLocations', summary: 'Published locations in the clinic’s order' })
  @ApiPageResponse(LocationResponse)
  @ApiProblems('validation_failed')
  async list(@Query() query: ListLocationsQuery): Promise<Page<LocationResponse>> {
    return mapPage(await this.locations.listPublic(query), mapLocation);
  }

  /**
   * With `jsonLd`: the location as a schema.org `MedicalClinic`, its opening hours from its schedule (weekly hours and
   * upcoming exceptions). Cached with the hours: a change of either shows at once; its caching ends at the next local
   * midnight of the schedule, when the upcoming exceptions move on.
   */
  @Get(':slug')
  @PublicCache({ serverCacheTag: HOURS_CACHE_TAG, contentTags: itemTag('location', 'slug') })
  @ApiParam({ name: 'slug', example: 'pearl-district', description: 'The location’s slug.' })
  @ApiOperation({ operationId: 'getLocation', summary: 'One published location with its schema.org JSON-LD' })
  @ApiOkResponse({ type: LocationDetailResponse })
  @ApiProblems('validation_failed', 'not_found')
  async get(
    @SlugParam('slug', MAX_LOCATION_SLUG_LENGTH) slug: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<LocationDetailResponse> {
    const { location, photo, timeZone, openingHours } = await this.locations.getPublic(slug);
    if (timeZone) {
      const left = secondsUntilNextLocalDay(timeZone, this.clock.now());
      const maxAge = Math.min(this.config.cache.maxAgeSeconds, left);
      const stale = Math.min(this.config.cache.staleWhileRevalidateSeconds, left - maxAge);
      void reply.header('cache-control', publicCacheControl(maxAge, stale));
    }
    return {
      ...mapLocation({ location, photo }),
      jsonLd: locationJsonLdScript(location, this.config.publicSiteUrl, openingHours, photo),
    };
  }
}
