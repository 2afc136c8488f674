import { timingSafeEqual } from 'node:crypto';
import { Controller, Get, Headers, Res, VERSION_NEUTRAL } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Public } from '../common/access/decorators.js';
import { AppException } from '../common/errors/app-exception.js';
import { Metrics } from '../common/metrics/metrics.js';
import { AppConfig } from '../config/app-config.js';
import { SkipRateLimit } from '../rate-limit/index.js';

/** Whether `header` is `Bearer <token>`, compared in constant time. */
export function bearerMatches(header: string | undefined, token: string): boolean {
  const presented = Buffer.from(/^Bearer (\S+)$/.exec(header ?? '')?.[1] ?? '');
  const expected = Buffer.from(token);
  return presented.length === expected.length && timingSafeEqual(presented, expected);
}

/**
 * `GET /metrics` on the API's own port, registered only with METRICS_TOKEN: Prometheus' text format for a scraper
 * that sends `Authorization: Bearer <METRICS_TOKEN>`. Not part of the API, so not in the OpenAPI document; not rate
 * limited (a scraper calls from one address).
 */
@ApiExcludeController()
@Public()
@SkipRateLimit()
@Controller({ path: 'metrics', version: VERSION_NEUTRAL })
export class MetricsController {
  constructor(
    private readonly metrics: Metrics,
    private readonly config: AppConfig,
  ) {}

  @Get()
  async scrape(
    @Headers('authorization') authorization: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string> {
    if (!bearerMatches(authorization, this.config.metrics.token ?? '')) {
      throw new AppException('unauthorized', 'Send the metrics token as a bearer token.', {
        headers: { 'WWW-Authenticate': 'Bearer realm="metrics"' },
      });
    }
    void reply.header('content-type', this.metrics.contentType);
    return this.metrics.render();
  }
}
