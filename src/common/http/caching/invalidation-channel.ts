import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import pg from 'pg';
import { redisErrorLabel } from '../../redis/redis-error-label.js';

/** What an instance hears from the others. */
export interface InvalidationHandlers {
  /** Another instance invalidated these tags. */
  onTags(tags: readonly string[]): void;
  /** Messages may have been missed (the subscription dropped and came back): forget everything. */
  onGap(): void;
}

/** Carries response-cache invalidations between the instances of a cluster. */
export interface InvalidationChannel {
  /** `redis` or `postgres`, for the logs and /health. */
  readonly kind: string;
  /** Tells the other instances; never throws (a lost message is bounded by the cache's TTL). */
  publish(tags: readonly string[]): void;
  subscribe(handlers: InvalidationHandlers): Promise<void>;
  close(): Promise<void>;
}

interface LogPort {
  warn(message: string): void;
}

/** The channel's name on PostgreSQL (its notifications stay within one database), and its prefix on Redis. */
export const INVALIDATION_CHANNEL = 'wellclinic_cache_invalidation';

interface Message {
  /** The publishing instance: its own messages come back to it, and are ignored. */
  from: string;
  tags: readonly string[];
}

/** An instance's messages on the channel: its own are told apart from the others' by a random id. */
export class InvalidationMessages {
  readonly id = randomUUID();

  encode(tags: readonly string[]): string {
    return JSON.stringify({ from: this.id, tags } satisfies Message);
  }

  /** The tags of another instance's message; nothing for our own or a malformed one. */
  tagsFromOthers(text: string): readonly string[] {
    try {
      const message = JSON.parse(text) as Partial<Message>;
      if (message.from === this.id || !Array.isArray(message.tags)) return [];
      return message.tags.filter((tag): tag is string => typeof tag === 'string');
    } catch {
      return [];
    }
  }
}

/**
 * Redis pub/sub: one connection publishes (fail-fast: no offline queue, so a Redis that is down costs a write
 * nothing), one subscribes and reconnects by itself. Every reconnection after the first is a gap.
 */
export class RedisInvalidationChannel implements InvalidationChannel {
  readonly kind = 'redis';
  private readonly messages = new InvalidationMessages();
  private readonly publisher: Redis;
  private readonly subscriber: Redis;

  private readonly channel: string;

  /** @param namespace keeps apart the clusters that share one Redis (their database's name, say). */
  constructor(
    url: string,
    namespace: string,
    private readonly log: LogPort,
  ) {
    this.channel = `${INVALIDATION_CHANNEL}:${namespace}`;
    const options = { lazyConnect: true, maxRetriesPerRequest: 1, connectTimeout: 2_000 };
    this.publisher = new Redis(url, { ...options, connectionName: 'wellclinic-cache-pub', enableOfflineQueue: false });
    this.subscriber = new Redis(url, { ...options, connectionName: 'wellclinic-cache-sub' });
    for (const client of [this.publisher, this.subscriber]) client.on('error', () => undefined);
  }

  publish(tags: readonly string[]): void {
    this.publisher.publish(this.channel, this.messages.encode(tags)).catch((error: unknown) => {
      this.log.warn(
        `Cache invalidation not published to Redis (${redisErrorLabel(error)}): other instances see it within their TTL`,
      );
    });
  }

  async subscribe(handlers: InvalidationHandlers): Promise<void> {
    // Subscribed on the first `ready`, whenever it comes: when Redis is down at startup the first connect fails and
    // ioredis, which re-subscribes only what it had subscribed, would never join the channel. Every `ready` after one
    // that followed a failure or a drop is a gap: messages may have been missed meanwhile.
    let subscribed = false;
    let missed = false;
    this.subscriber.on('ready', () => {
      if (!subscribed) {
        subscribed = true;
        this.subscriber.subscribe(this.channel).catch((error: unknown) => {
          subscribed = false;
          this.log.warn(`Cache invalidation: subscribing failed (${redisErrorLabel(error)}); retrying on reconnect`);
        });
      }
      if (missed) handlers.onGap();
      missed = false;
    });
    this.subscriber.on('close', () => (missed = true));
    this.subscriber.on('message', (_channel: string, text: string) => {
      const tags = this.messages.tagsFromOthers(text);
      if (tags.length > 0) handlers.onTags(tags);
    });
    await Promise.all([
      this.publisher.connect().catch(() => undefined),
      this.subscriber.connect().catch((error: unknown) => {
        missed = true;
        this.log.warn(`Redis for cache invalidation is unavailable (${redisErrorLabel(error)}); retrying`);
      }),
    ]);
  }

  async close(): Promise<void> {
    this.publisher.disconnect();
    this.subscriber.disconnect();
    await Promise.resolve();
  }
}

/**
 * PostgreSQL LISTEN/NOTIFY on one dedicated connection (so not through PgBouncer in transaction mode: use Redis
 * there). When the connection drops, it reconnects with a growing delay, and the reconnection is a gap.
 */
export class PostgresInvalidationChannel implements InvalidationChannel {
  readonly kind = 'postgres';
  private readonly messages = new InvalidationMessages();
  private client: pg.Client | undefined;
  private handlers: InvalidationHandlers | undefined;
  private closed = false;
  private retry: NodeJS.Timeout | undefined;

  constructor(
    private readonly url: string,
    private readonly log: LogPort,
  ) {}

  publish(tags: readonly string[]): void {
    const client = this.client;
    if (!client) {
      this.log.warn(
        'Cache invalidation not published: no PostgreSQL connection; other instances see it within their TTL',
      );
      return;
    }
    client
      .query('SELECT pg_notify($1, $2)', [INVALIDATION_CHANNEL, this.messages.encode(tags)])
      .catch((error: unknown) => {
        this.log.warn(`Cache invalidation not published to PostgreSQL (${(error as Error).name})`);
      });
  }

  async subscribe(handlers: InvalidationHandlers): Promise<void> {
    this.handlers = handlers;
    await this.connect(0);
  }

  private async connect(attempt: number): Promise<void> {
    if (this.closed) return;
    const client = new pg.Client({
      connectionString: this.url,
      application_name: 'wellclinic-cache-invalidation',
      connectionTimeoutMillis: 2_000,
      keepAlive: true,
    });
    const lost = () => {
      if (this.client !== client) return;
      this.client = undefined;
      client.end().catch(() => undefined);
      this.reconnect(1);
    };
    client.on('error', lost);
    client.on('end', lost);
    client.on('notification', (message) => {
      const tags = message.payload ? this.messages.tagsFromOthers(message.payload) : [];
      if (tags.length > 0) this.handlers?.onTags(tags);
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${INVALIDATION_CHANNEL}`);
    } catch (error) {
      client.end().catch(() => undefined);
      this.log.warn(`PostgreSQL for cache invalidation is unavailable (${(error as Error).name}); retrying`);
      this.reconnect(attempt + 1);
      return;
    }
    if (this.closed) {
      await client.end();
      return;
    }
    this.client = client;
    if (attempt > 0) this.handlers?.onGap();
  }

  private reconnect(attempt: number): void {
    if (this.closed) return;
    const delay = Math.min(100 * 2 ** Math.min(attempt, 6), 5_000);
    this.retry = setTimeout(() => void this.connect(attempt), delay);
    this.retry.unref();
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retry);
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }
}
