import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import pg, { type Pool, type PoolClient } from 'pg';
import { DataSource, type EntityManager, type QueryRunner } from 'typeorm';
import { Clock } from '../common/clock/clock.js';
import { isDatabaseUnavailable, sqlState } from '../common/errors/database-errors.js';
import { ResponseCache } from '../common/http/caching/response-cache.js';
import { AppConfig } from '../config/app-config.js';
import { describeDatabaseUrl } from './data-source-options.js';
import { DeadlineClient, pgPool } from './query-deadline.js';

/** Where one public read runs: the primary or a replica. */
export interface ReadTarget {
  readonly server: 'primary' | 'replica';
  /** One statement on a pooled connection of that server (the raw pg fast path). */
  rows<T>(text: string, values?: unknown[]): Promise<T[]>;
  /** A TypeORM manager on that server; the calls made through it share one connection, taken on first use. */
  readonly manager: EntityManager;
}

/**
 * After a tag's content changed (its response-cache invalidation, here or announced by another instance), its public
 * reads stay on the primary this long: a replica that has not replayed the change yet would otherwise serve the old
 * content, and the response cache would keep it for its TTL. Streaming replicas on a healthy network replay within
 * milliseconds; this leaves seconds of margin.
 */
export const RECENT_CHANGE_MS = 5_000;

/** A replica that failed at the connection level is left alone this long; then one read tries it again. */
export const REPLICA_RETRY_MS = 5_000;

/** The application_name of replica connections (it shows in the replica's pg_stat_activity). */
export const REPLICA_APPLICATION_NAME = 'well-clinic-api-replica';

interface Replica {
  readonly pool: Pool;
  readonly name: string;
  /** Epoch ms (the clock's) before which reads skip it. */
  unhealthyUntil: number;
  /** Failed and not yet answered again: the outage has been logged. */
  down: boolean;
}

/** What TypeORM's PostgresQueryRunner keeps of its connection (not in its typings). */
interface RunnerInternals {
  databaseConnection?: PoolClient;
  releaseCallback?: (error?: Error) => void;
  releasePostgresConnection(error?: Error): Promise<void>;
}

/**
 * Public content reads on streaming read replicas (DATABASE_REPLICA_URLS); staff reads and every write stay on the
 * primary, so nobody on the staff side ever reads a replica that has not caught up with their own write.
 *
 * TypeORM's own `replication` option is not used: it connects to every replica while the DataSource initializes (a
 * replica that is down fails the boot) and gives replicas the primary's pool settings. The replicas get pools of
 * their own instead, opened lazily, with shorter bounds so that a failed attempt leaves time for the primary within
 * the query deadline: a fifth of DB_QUERY_TIMEOUT_MS to connect and half of it per query.
 *
 * A read falls back to the primary when the replica fails at the connection level (refused, reset, timed out,
 * shutting down) or cancels the statement for a recovery conflict; the replica is then skipped for REPLICA_RETRY_MS,
 * so not every request pays for the outage, and the outage is logged once, as is the recovery.
 */
@Injectable()
export class ReadReplicas implements OnApplicationShutdown {
  private readonly logger = new Logger('ReadReplicas');
  private readonly replicas: Replica[];
  private next = 0;
  private readonly primary: ReadTarget;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly cache: ResponseCache,
    private readonly clock: Clock,
    config: AppConfig,
  ) {
    const { queryTimeoutMs, statementTimeoutMs, connectTimeoutMs, poolMax } = config.database;
    const queryTimeout = Math.max(100, Math.floor(queryTimeoutMs / 2));
    this.replicas = config.database.replicaUrls.map((url) => {
      const pool = new pg.Pool({
        connectionString: url,
        max: poolMax,
        connectionTimeoutMillis: Math.min(connectTimeoutMs, Math.max(100, Math.floor(queryTimeoutMs / 5))),
        idleTimeoutMillis: 30_000,
        // Below the client deadline, as on the primary: a slow statement ends cleanly on the server.
        statement_timeout: Math.min(statementTimeoutMs, Math.floor(queryTimeout * 0.8)),
        query_timeout: queryTimeout,
        Client: DeadlineClient,
        application_name: REPLICA_APPLICATION_NAME,
      });
      const name = describeDatabaseUrl(url);
      // An idle connection that dies (the replica restarts) must not crash the process; the next checkout reconnects.
      pool.on('error', (error) => this.logger.debug(`Idle replica connection to ${name} lost: ${error.message}`));
      return { pool, name, unhealthyUntil: 0, down: false };
    });
    this.primary = {
      server: 'primary',
      rows: async <T>(text: string, values?: unknown[]) =>
        (await pgPool(this.dataSource).query(text, values)).rows as T[],
      manager: this.dataSource.manager,
    };
    if (this.replicas.length) {
      this.logger.log(
        `Public reads from ${this.replicas.length} replica(s): ${this.replicas.map((r) => r.name).join(', ')}`,
      );
    }
  }

  /** Whether any replica is configured. */
  get configured(): boolean {
    return this.replicas.length > 0;
  }

  /**
   * Runs a public read of content under the response-cache tag `tag` on a replica when one is configured and healthy
   * and the tag's content did not change in the last RECENT_CHANGE_MS; otherwise, or when the replica fails at the
   * connection level, on the primary. `work` may run twice (once per server), so it must only read.
   */
  async read<T>(tag: string, work: (target: ReadTarget) => Promise<T>): Promise<T> {
    const replica = this.pick(tag);
    if (!replica) return work(this.primary);
    const target = new ReplicaTarget(replica.pool, this.dataSource);
    try {
      const result = await work(target);
      await target.release();
      this.answered(replica);
      return result;
    } catch (error) {
      await target.release(isDatabaseUnavailable(error) ? (error as Error) : undefined);
      if (!this.shouldFallBack(replica, error)) throw error;
      return work(this.primary);
    }
  }

  /** A healthy replica in turn, unless the tag changed too recently for a replica to be trusted with it. */
  private pick(tag: string): Replica | undefined {
    if (!this.replicas.length) return undefined;
    const now = this.clock.now().getTime();
    if (now - this.cache.lastInvalidated(tag) < RECENT_CHANGE_MS) return undefined;
    for (let i = 0; i < this.replicas.length; i++) {
      const replica = this.replicas[(this.next + i) % this.replicas.length];
      if (replica.unhealthyUntil <= now) {
        this.next = (this.next + i + 1) % this.replicas.length;
        return replica;
      }
    }
    return undefined;
  }

  private answered(replica: Replica): void {
    if (!replica.down) return;
    replica.down = false;
    this.logger.log(`Read replica ${replica.name} answers again: public reads use it`);
  }

  /** Connection-level failures mark the replica unhealthy; a recovery conflict only retries this read. */
  private shouldFallBack(replica: Replica, error: unknown): boolean {
    if (isDatabaseUnavailable(error)) {
      replica.unhealthyUntil = this.clock.now().getTime() + REPLICA_RETRY_MS;
      if (!replica.down) {
        replica.down = true;
        const reason = sqlState(error) ?? (error as { code?: string }).code ?? (error as Error).message;
        this.logger.warn(
          `Read replica ${replica.name} unavailable (${reason}): public reads use the primary, retrying it every ${REPLICA_RETRY_MS} ms`,
        );
      }
      return true;
    }
    // 40001 on a hot standby: "canceling statement due to conflict with recovery"; the primary has no such conflict.
    return sqlState(error) === '40001';
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all(this.replicas.map((replica) => replica.pool.end().catch(() => undefined)));
  }
}

/** A replica as a ReadTarget: its TypeORM manager borrows one replica connection for the whole read. */
class ReplicaTarget implements ReadTarget {
  readonly server = 'replica';
  private runner: (QueryRunner & RunnerInternals) | undefined;
  private connection: Promise<PoolClient> | undefined;

  constructor(
    private readonly pool: Pool,
    private readonly dataSource: DataSource,
  ) {}

  async rows<T>(text: string, values?: unknown[]): Promise<T[]> {
    return (await this.pool.query(text, values)).rows as T[];
  }

  get manager(): EntityManager {
    if (!this.runner) {
      const runner = this.dataSource.createQueryRunner() as QueryRunner & RunnerInternals;
      // The runner would check a connection out of TypeORM's (primary) pool on first use; hand it a replica's instead.
      runner.connect = () =>
        (this.connection ??= this.pool.connect().then((client) => {
          runner.databaseConnection = client;
          runner.releaseCallback = (error) => client.release(error);
          return client;
        }));
      this.runner = runner;
    }
    return this.runner.manager;
  }

  /** Returns the connection; a failed one (`error`) is dropped from the pool rather than reused. */
  async release(error?: Error): Promise<void> {
    if (!this.runner) return;
    await this.connection?.catch(() => undefined);
    await this.runner.releasePostgresConnection(error);
  }
}
