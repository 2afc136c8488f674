import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '../../../config/app-config.js';
import {
  type InvalidationChannel,
  PostgresInvalidationChannel,
  RedisInvalidationChannel,
} from './invalidation-channel.js';
import { ResponseCache } from './response-cache.js';

/** The database a cluster shares, which names its Redis channel: instances of other clusters may share the Redis. */
function databaseName(url: string | undefined): string {
  if (!url) return 'embedded';
  try {
    return decodeURIComponent(new URL(url).pathname.slice(1)) || 'postgres';
  } catch {
    return 'postgres';
  }
}

/**
 * Connects the response cache to the other instances (CACHE_INVALIDATION): Redis pub/sub, or PostgreSQL
 * LISTEN/NOTIFY. Started once the app is up, so that a Redis or database that is down delays nothing: until the
 * channel is there, the TTL bounds what another instance's change leaves cached here.
 */
@Injectable()
export class CacheCoherence implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('ResponseCache');
  private channel: InvalidationChannel | undefined;

  constructor(
    private readonly cache: ResponseCache,
    private readonly config: AppConfig,
  ) {}

  /** `redis`, `postgres` or `off`. */
  get kind(): string {
    return this.channel?.kind ?? 'off';
  }

  async onApplicationBootstrap(): Promise<void> {
    const mode = this.config.cache.invalidation;
    if (!this.cache.enabled || mode === 'off') return;
    const log = { warn: (message: string) => this.logger.warn(message) };
    this.channel =
      mode === 'redis'
        ? new RedisInvalidationChannel(this.config.redisUrl!, databaseName(this.config.database.url), log)
        : new PostgresInvalidationChannel(this.config.database.url!, log);
    await this.cache.attach(this.channel);
    this.logger.log(`Invalidations shared with the other instances through ${mode}`);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.channel?.close();
  }
}
