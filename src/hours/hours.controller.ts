import { Controller, Get, Header, Query, Req, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DateTime } from 'luxon';
import { Public } from '../common/access/decorators.js';
import { Clock } from '../common/clock/clock.js';
import { itemTag, pageItemTags, PublicCache, serverCacheUntil } from '../common/http/caching/index.js';
import { publicCacheControl } from '../common/http/etag.js';
import { ApiProblems } from '../common/openapi/api-problems.js';
import { ApiPageResponse, mapPage, type Page, PaginationQueryDto } from '../common/pagination/pagination.js';
import { SlugParam } from '../common/validation/decorators.js';
import { AppConfig } from '../config/app-config.js';
import { CalendarQuery, StatusQuery } from './dto/hours.requests.js';
import {
  CalendarResponse,
  HoursStatusResponse,
  mapSchedule,
  type ResolvedPeriodResponse,
  ScheduleResponse,
} from './dto/hours.responses.js';
import { HOURS_CACHE_TAG, HoursService } from './hours.service.js';
import { openingHoursJsonLdScript } from './schema-org.js';
import { type ResolvedPeriod, secondsUntilNextChange, secondsUntilNextLocalDay } from './schedule.js';

const KEY_PARAM = { name: 'key', example: 'text-line', description: 'The schedule’s key.' };

function resolved(p: ResolvedPeriod): ResolvedPeriodResponse {
  return { opens: p.opens, closes: p.closes, opensAt: p.opensAt.toISOString(), closesAt: p.closesAt.toISOString() };
}

function local(instant: Date | null, zone: string): { date: string; time: string } | null {
  if (!instant) return null;
  const dt = DateTime.fromJSDate(instant, { zone });
  return { date: dt.toISODate() ?? '', time: dt.toFormat('HH:mm') };
}

/** When the clinic and its channels are open: public, cacheable. */
@ApiTags('hours')
@Public()
@Controller('hours')
export class HoursController {
  constructor(
    private readonly hours: HoursService,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  /**
   * Sorted by `key`. Each schedule's `exceptions` are those that end today or later and start at most 90 days from
   * today (today in the schedule's own `timeZone`), by `startDate`. A cached copy may lag an admin change for as long
   * as its `Cache-Control` allows, which never reaches past the next local midnight of a schedule listed.
   */
  @Get()
  @PublicCache({ serverCacheTag: HOURS_CACHE_TAG, contentTags: pageItemTags('hours', 'key') })
  @ApiOperation({
    operationId: 'listSchedules',
    summary: 'Schedules with their weekly periods and upcoming exceptions',
  })
  @ApiPageResponse(ScheduleResponse)
  @ApiProblems('validation_failed')
  async list(
    @Query() query: PaginationQueryDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Page<ScheduleResponse>> {
    const page = await this.hours.list(query);
    this.cacheUntilNextLocalDay(
      reply,
      page.data.map(({ schedule }) => schedule.timeZone),
    );
    return mapPage(page, ({ schedule, upcoming }) => mapSchedule(schedule, upcoming));
  }

  /**
   * `exceptions` holds those that end today or later and start at most 90 days from today (today in the schedule's
   * `timeZone`), by `startDate`. A cached copy may lag an admin change for as long as its `Cache-Control` allows,
   * which never reaches past the schedule's next local midnight.
   */
  @Get(':key')
  @PublicCache({ serverCacheTag: HOURS_CACHE_TAG, contentTags: itemTag('hours', 'key') })
  @ApiParam(KEY_PARAM)
  @ApiOperation({ operationId: 'getSchedule', summary: 'One schedule with its weekly periods and upcoming exceptions' })
  @ApiOkResponse({ type: ScheduleResponse })
  @ApiProblems('validation_failed', 'not_found')
  async get(@SlugParam('key') key: string, @Res({ passthrough: true }) reply: FastifyReply): Promise<ScheduleResponse> {
    const { schedule, upcoming } = await this.hours.getPublic(key);
    this.cacheUntilNextLocalDay(reply, [schedule.timeZone]);
    return mapSchedule(schedule, upcoming);
  }

  /**
   * Open now (or at `at`)? The response is cached, by browsers, CDNs and the server alike, no longer than until the
   * next opening or closing: each server computes it at most once a minute and after each hours change.
   */
  @Get(':key/status')
  @PublicCache({ serverCacheTag: HOURS_CACHE_TAG, contentTags: itemTag('hours', 'key') })
  @ApiParam(KEY_PARAM)
  @ApiOperation({ operationId: 'getHoursStatus', summary: 'Whether a schedule is open, and its next change' })
  @ApiOkResponse({ type: HoursStatusResponse })
  @ApiProblems('validation_failed', 'not_found')
  async status(
    @SlugParam('key') key: string,
    @Query() query: StatusQuery,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<HoursStatusResponse> {
    const now = this.clock.now();
    // Now to the minute: every request within a minute gets the same body, hence the same ETag. Openings and
    // closings fall on whole minutes, so the status holds for the whole minute.
    const at = query.at ? new Date(query.at) : new Date(now.getTime() - (now.getTime() % 60_000));
    // The server's copy names this minute, so it goes when the minute does (browsers keep the max-age below).
    if (!query.at) serverCacheUntil(request, new Date(at.getTime() + 60_000));
    const { schedule, status } = await this.hours.status(key, at);
    // Counted from the real now, so that the response never outlives the change.
    const untilChange = secondsUntilNextChange(status, query.at ? at : now);
    const maxAge = Math.min(this.config.cache.maxAgeSeconds, untilChange ?? Number.POSITIVE_INFINITY);
    // No stale-while-revalidate: a stale "open" after closing time is exactly what must not be served.
    void reply.header('cache-control', publicCacheControl(maxAge, 0));
    const zone = schedule.timeZone;
    return {
      key: schedule.key,
      timeZone: zone,
      at: at.toISOString(),
      atLocal: local(at, zone) ?? { date: '', time: '' },
      isOpen: status.isOpen,
      currentPeriod: status.currentPeriod ? resolved(status.currentPeriod) : null,
      nextOpensAt: status.nextOpensAt?.toISOString() ?? null,
      nextOpensAtLocal: local(status.nextOpensAt, zone),
      nextClosesAt: status.nextClosesAt?.toISOString() ?? null,
      nextClosesAtLocal: local(status.nextClosesAt, zone),
      exception: status.exception,
    };
  }

  /**
   * `days` local dates (default 7, at most 62) from `from` (default: today in the schedule's `timeZone`). Each day
   * lists the periods that open on it, so one running past midnight appears only on the day it opens; an exception
   * replaces the weekly periods on its dates and is named in `exception`. `opens` and `closes` are local times,
   * `opensAt` and `closesAt` the UTC instants they fall on, daylight-saving changes included. Without `from`, the
   * response is cached no longer than the schedule's next local midnight.
   */
  @Get(':key/calendar')
  @PublicCache({ serverCacheTag: HOURS_CACHE_TAG, contentTags: itemTag('hours', 'key') })
  @ApiParam(KEY_PARAM)
  @ApiOperation({ operationId: 'getHoursCalendar', summary: 'Resolved opening hours for each local date' })
  @ApiOkResponse({ type: CalendarResponse })
  @ApiProblems('validation_failed', 'not_found')
  async calendar(
    @SlugParam('key') key: string,
    @Query() query: CalendarQuery,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<CalendarResponse> {
    const { schedule, days } = await this.hours.calendar(key, query.from, query.days);
    if (query.from === undefined) this.cacheUntilNextLocalDay(reply, [schedule.timeZone]);
    return {
      key: schedule.key,
      timeZone: schedule.timeZone,
      days: days.map((day) => ({ date: day.date, periods: day.periods.map(resolved), exception: day.exception })),
    };
  }

  /**
   * For the website's structured data: embed the body verbatim as a JSON-LD script element (`<`, `>`, `&`, U+2028
   * and U+2029 in names and labels are written as `\u003c`-style escapes, so no text can end the element). Its
   * special opening hours are the upcoming exceptions, so it is cached no longer than the schedule's next local
   * midnight.
   */
  @Get(':key/schema-org')
  @PublicCache({ serverCacheTag: HOURS_CACHE_TAG, contentTags: itemTag('hours', 'key') })
  @Header('content-type', 'application/ld+json; charset=utf-8')
  @ApiParam(KEY_PARAM)
  @ApiProduces('application/ld+json')
  @ApiOperation({ operationId: 'getHoursSchemaOrg', summary: 'schema.org OpeningHoursSpecification (JSON-LD)' })
  @ApiOkResponse({
    content: {
      'application/ld+json': {
        schema: { type: 'object', additionalProperties: true },
        example: {
          '@context': 'https://schema.org',
          '@type': 'MedicalClinic',
          name: 'Text line',
          openingHoursSpecification: [
            {
              '@type': 'OpeningHoursSpecification',
              dayOfWeek: ['https://schema.org/Monday'],
              opens: '09:00',
              closes: '21:00',
            },
          ],
        },
      },
    },
  })
  @ApiProblems('validation_failed', 'not_found')
  async schemaOrg(@SlugParam('key') key: string, @Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    const { schedule, upcoming } = await this.hours.getPublic(key);
    this.cacheUntilNextLocalDay(reply, [schedule.timeZone]);
    return openingHoursJsonLdScript(schedule, upcoming);
  }

  /**
   * For a response that depends on "today" in these zones (upcoming exceptions, a calendar that starts today): its
   * fresh and its stale life both end at the next local midnight, so no cache serves yesterday's window after it.
   */
  private cacheUntilNextLocalDay(reply: FastifyReply, zones: string[]): void {
    if (zones.length === 0) return;
    const now = this.clock.now();
    const left = Math.min(...zones.map((zone) => secondsUntilNextLocalDay(zone, now)));
    const maxAge = Math.min(this.config.cache.maxAgeSeconds, left);
    const stale = Math.min(this.config.cache.staleWhileRevalidateSeconds, left - maxAge);
    void reply.header('cache-control', publicCacheControl(maxAge, stale));
  }
}
