import { Controller, Get, VERSION_NEUTRAL } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { Public } from '../auth/decorators.js';
import { ApiProblems } from '../common/openapi/api-problems.js';
import { SkipRateLimit } from '../rate-limit/rate-limit.decorators.js';

/** Probes for orchestrators and load balancers; outside `/api` and never cached. */
@ApiTags('health')
@Public()
@SkipRateLimit()
@Controller({ path: 'health', version: VERSION_NEUTRAL })
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly db: TypeOrmHealthIndicator,
  ) {}

  /** Readiness: 200 when the database answers within 1.5 s, else 503 problem+json with Retry-After. */
  @Get()
  @HealthCheck()
  @ApiOperation({ operationId: 'getReadiness', summary: 'Readiness probe (checks the database)' })
  @ApiProblems('service_unavailable')
  readiness() {
    return this.health.check([() => this.db.pingCheck('database').withTimeout(1500)]);
  }

  /** Liveness: 200 while the process can answer HTTP at all. */
  @Get('live')
  @ApiOperation({ operationId: 'getLiveness', summary: 'Liveness probe' })
  @ApiOkResponse({ schema: { type: 'object', properties: { status: { type: 'string', example: 'ok' } } } })
  liveness(): { status: 'ok' } {
    return { status: 'ok' };
  }
}
