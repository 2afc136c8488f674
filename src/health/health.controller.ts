import { Controller, Get, VERSION_NEUTRAL } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  HealthCheck,
  type HealthCheckResult,
  HealthCheckService,
  type HealthIndicatorFunction,
  HealthIndicatorService,
  TypeOrmHealthIndicator,
} from '@nestjs/terminus';
import { Public } from '../common/access/decorators.js';
import { AppException } from '../common/errors/app-exception.js';
import { ApiProblems } from '../common/openapi/api-problems.js';
import { AppConfig } from '../config/app-config.js';
import { MailHealth } from '../mail/index.js';
import { RateLimitStoreHealth, SkipRateLimit } from '../rate-limit/index.js';
import { HealthCheckResponse, LivenessResponse } from './dto/health.responses.js';
import { Readiness } from './readiness.service.js';

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
    private readonly indicators: HealthIndicatorService,
    private readonly rateLimitStore: RateLimitStoreHealth,
    private readonly mail: MailHealth,
  ) {}

  /**
   * Readiness: 200 when the database answers within 1.5 s (or DB_QUERY_TIMEOUT_MS when shorter), else 503
   * problem+json with Retry-After. Also 503, at once and with `draining: true`, from the moment the instance
   * received SIGTERM: load balancers stop routing here while the requests that still arrive are served.
   *
   * With REDIS_URL, `redis` (the shared rate-limit counters) is reported too, but never fails readiness: when it does
   * not answer it is `degraded` and so is the whole answer (`status: "degraded"`, still 200), since every instance
   * shares it and taking them all out of rotation would help no one.
   *
   * `mail` is always reported: `off` without SMTP_URL; else `up`, or `degraded` (still 200) when the last email could
   * not be sent or a due one has waited more than 15 minutes. It comes from the mail dispatcher's last run, never
   * from a connection to the SMTP server, so it cannot slow the probe down.
   */
  @Get()
  // Terminus' own OpenAPI schema depends on how @nestjs/swagger is loaded: documented here instead.
  @HealthCheck({ noCache: true, swaggerDocumentation: false })
  @ApiOperation({ operationId: 'getReadiness', summary: 'Readiness probe (checks the database)' })
  @ApiOkResponse({ type: HealthCheckResponse })
  // Like every route, it refuses query parameters it does not know.
  @ApiProblems('validation_failed', 'service_unavailable')
  async readiness(): Promise<HealthCheckResult> {
    if (this.state.draining) {
      throw new AppException('service_unavailable', 'The server is shutting down. Retry shortly.', {
        headers: { 'Retry-After': '1' },
        extensions: { draining: true },
      });
    }
    const timeout = Math.min(PING_TIMEOUT_MS, this.config.database.queryTimeoutMs);
    const checks: HealthIndicatorFunction[] = [() => this.db.pingCheck('database').withTimeout(timeout)];
    if (this.rateLimitStore.shared) checks.push(() => this.redis());
    const mail = this.mail.state();
    if (mail.status !== 'off') {
      const indicator = this.indicators.check('mail');
      checks.push(() => (mail.status === 'up' ? indicator.up() : indicator.degraded({ message: mail.message })));
    }
    const result = await this.health.check(checks);
    // Terminus knows no `off`: a dependency that is not configured is added to what it reports as fine.
    if (mail.status === 'off') {
      const off = { status: 'off' } as unknown as HealthCheckResult['details'][string];
      return { ...result, info: { ...result.info, mail: off }, details: { ...result.details, mail: off } };
    }
    return result;
  }

  private async redis() {
    const indicator = this.indicators.check('redis');
    const state = await this.rateLimitStore.check();
    return state.reachable
      ? indicator.up({ responseTime: state.responseTime })
      : indicator.degraded({ message: 'Redis does not answer: shared rate limits are degraded' });
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
