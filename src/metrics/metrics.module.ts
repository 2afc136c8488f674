import { createServer, type Server } from 'node:http';
import {
  type DynamicModule,
  Global,
  Injectable,
  Logger,
  Module,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { Metrics } from '../common/metrics/metrics.js';
import { AppConfig } from '../config/app-config.js';
import { onQueryDeadline, pgPool } from '../database/query-deadline.js';
import { MetricsController } from './metrics.controller.js';

/** The database pool's gauges, and the metrics' own port when METRICS_PORT is set. */
@Injectable()
export class MetricsExposure implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Metrics');
  private server: Server | undefined;
  private stopCounting: (() => void) | undefined;

  constructor(
    private readonly metrics: Metrics,
    private readonly config: AppConfig,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  /** The metrics port actually listened on (METRICS_PORT=0 picks a free one). */
  get port(): number | undefined {
    const address = this.server?.address();
    return typeof address === 'object' && address ? address.port : undefined;
  }

  async onApplicationBootstrap(): Promise<void> {
    // Per process: apps sharing one (as tests do) count each other's deadlines too.
    this.stopCounting = onQueryDeadline(() => this.metrics.queryDeadlineExceeded());
    const pool = pgPool(this.dataSource);
    this.metrics.gauge('db_pool_connections', 'Connections of the database pool, by state.', ['state'], () => [
      { labels: { state: 'total' }, value: pool.totalCount },
      { labels: { state: 'idle' }, value: pool.idleCount },
      { labels: { state: 'in_use' }, value: pool.totalCount - pool.idleCount },
      { labels: { state: 'waiting' }, value: pool.waitingCount },
    ]);
    const port = this.config.metrics.port;
    if (port === undefined) return;
    this.server = createServer((request, response) => {
      if (request.method !== 'GET' || request.url?.split('?')[0] !== '/metrics') {
        response.writeHead(404, { 'content-type': 'text/plain' }).end('Not found\n');
        return;
      }
      this.metrics.render().then(
        (text) => response.writeHead(200, { 'content-type': this.metrics.contentType }).end(text),
        () => response.writeHead(500, { 'content-type': 'text/plain' }).end('Metrics unavailable\n'),
      );
    });
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject).listen(port, this.config.http.host, () => resolve());
    });
    this.logger.log(`Prometheus metrics on port ${this.port}: GET /metrics`);
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopCounting?.();
    const server = this.server;
    if (!server) return;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    await closed;
  }
}

/**
 * The app's Prometheus metrics (Metrics), for every module to count in, and where they are scraped: a port of their
 * own (METRICS_PORT) and/or `GET /metrics` on the API's port behind METRICS_TOKEN.
 */
@Global()
@Module({})
export class MetricsModule {
  static forRoot(metrics: Metrics, config: AppConfig): DynamicModule {
    return {
      module: MetricsModule,
      controllers: config.metrics.token ? [MetricsController] : [],
      providers: [{ provide: Metrics, useValue: metrics }, MetricsExposure],
      exports: [Metrics, MetricsExposure],
    };
  }
}
