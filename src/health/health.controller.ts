import { Controller, Get, VERSION_NEUTRAL } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { Public } from '../auth/decorators.js';
import { AppException } from '../common/errors/app-exception.js';
import { ApiProblems } from '../common/openapi/api-problems.js';
import { AppConfig } from '../config/app-config.js';
import { SkipRateLimit } from '../rate-limit/rate-limit.decorators.js';
import { HealthCheckResponse, LivenessResponse } from './dto/health.responses.js';
import { Readiness } from './readiness.js';

/** The longest a readiness check waits for the database. */
const PING_TIMEOUT_MS = 1500;

/** Probes for orchestrators and load balancers; outside `/api` and never cached. */
@ApiTags('health')
@Public()
@SkipRateLimit()
@Controller({ path: 'health', version: VERSION_NEUTRAL })
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly db: TypeOrmHealthIndicator,
    private readonly state: Readiness,
    private readonly config: AppConfig,
  ) {}

  /**
   * Readiness: 200 when the database answers within 1.5 s (or DB_QUERY_TIMEOUT_MS when shorter), else 503
   * problem+json with Retry-After. Also 503, at once and with `draining: true`, from the moment the instance
   * received SIGTERM: load balancers stop routing here while the requests that still arrive are served.
   */
  @Get()
  // Terminus' own OpenAPI schema depends on how @nestjs/swagger is loaded: documented here instead.
  @HealthCheck({ noCache: true, swaggerDocumentation: false })
  @ApiOperation({ operationId: 'getReadiness', summary: 'Readiness probe (checks the database)' })
  @ApiOkResponse({ type: HealthCheckResponse })
  // Like every route, it refuses query parameters it does not know.
  @ApiProblems('validation_failed', 'service_unavailable')
  readiness() {
    if (this.state.draining) {
      throw new AppException('service_unavailable', 'The server is shutting down. Retry shortly.', {
        headers: { 'Retry-After': '1' },
        extensions: { draining: true },
      });
    }
    const timeout = Math.min(PING_TIMEOUT_MS, this.config.database.queryTimeoutMs);
    return this.health.check([() => this.db.pingCheck('database').withTimeout(timeout)]);
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
