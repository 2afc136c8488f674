import { Controller, Get, VERSION_NEUTRAL } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { Public } from '../auth/decorators.js';
import { ApiProblems } from '../common/openapi/api-problems.js';
import { SkipRateLimit } from '../rate-limit/rate-limit.decorators.js';
import { HealthCheckResponse, LivenessResponse } from './dto/health.responses.js';

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
  // Terminus' own OpenAPI schema depends on how @nestjs/swagger is loaded: documented here instead.
  @HealthCheck({ noCache: true, swaggerDocumentation: false })
  @ApiOperation({ operationId: 'getReadiness', summary: 'Readiness probe (checks the database)' })
  @ApiOkResponse({ type: HealthCheckResponse })
  // Like every route, it refuses query parameters it does not know.
  @ApiProblems('validation_failed', 'service_unavailable')
  readiness() {
    return this.health.check([() => this.db.pingCheck('database').withTimeout(1500)]);
  }

  /** Liveness: 200 while the process can answer HTTP at all. */
  @Get('live')
  @ApiOperation({ operationId: 'getLiveness', summary: 'Liveness probe' })
  @ApiOkResponse({ type: LivenessResponse })
  @ApiProblems('validation_failed')
  liveness(): LivenessResponse {
    return { status: 'ok' };
  }
}
