import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createDatabase, dropDatabase, withDatabase } from '../setup/test-database.js';

/**
 * N instances of the BUILT API (`node dist/src/main.js`, built by the cluster suite's global setup) as child
 * processes on loopback ports, on a scratch PostgreSQL database of their own and the shared Redis, in production
 * mode, as a deployment runs them. Each can be stopped (SIGTERM: its drain; SIGKILL: a crash) and started again
 * on its port, which is what the load balancer in front knows it by.
 */

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const MAIN = join(ROOT, 'dist/src/main.js');
const CLI = join(ROOT, 'dist/src/cli');

/** The PostgreSQL server the scratch databases are made on (never through PgBouncer: LISTEN/NOTIFY, CREATE DATABASE). */
export const CLUSTER_POSTGRES_URL =
  process.env.CLUSTER_POSTGRES_URL ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const CLUSTER_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/**
 * How an instance is started: under `setpriv --pdeathsig SIGKILL` (util-linux) where there is one, so the kernel
 * kills it if the test process dies without its cleanup (a crash, Ctrl-C); setpriv then execs node, in the same
 * process, which gets the test's signals itself.
 */
const LAUNCHER = existsSync('/usr/bin/setpriv')
  ? ['/usr/bin/setpriv', '--pdeathsig', 'SIGKILL', process.execPath]
  : [process.execPath];

/** How long an instance may take to answer 200 on /health after its start, before the test fails. */
const BOOT_TIMEOUT_MS = 30_000;
/** SIGTERM to exit: the drain, then the close (bounded by SHUTDOWN_TIMEOUT_MS, itself bounded by this). */
const EXIT_TIMEOUT_MS = 20_000;

export interface ClusterOptions {
  instances: number;
  /** After SIGTERM, how long each keeps serving while /health answers 503 (SHUTDOWN_DRAIN_MS). */
  drainMs: number;
  /** More variables for every instance (they win over the defaults below). */
  env?: Record<string, string>;
}

/** Why the process ended: its exit code, or the signal that killed it. */
export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export class ApiInstance {
  private child: ChildProcess | undefined;
  private exited: Promise<Exit> = Promise.resolve({ code: null, signal: null });
  /** Starts and exits, in order, for the failure messages. */
  readonly history: string[] = [];

  constructor(
    readonly name: string,
    readonly port: number,
    private readonly env: Record<string, string>,
    private readonly logFile: string,
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Spawns the process and waits until /health answers 200; returns how long that took (ms). */
  async start(): Promise<number> {
    if (this.running) throw new Error(`${this.name} is already running`);
    const started = performance.now();
    // Its own log file (appended to across restarts): what a failure message shows.
    const log = openSync(this.logFile, 'a');
    try {
      // The cwd is the cluster's scratch dir: no developer's .env is read.
      this.child = spawn(LAUNCHER[0], [...LAUNCHER.slice(1), MAIN], {
        cwd: join(this.logFile, '..'),
        env: this.env,
        stdio: ['ignore', log, log],
      });
    } finally {
      closeSync(log);
    }
    const child = this.child;
    this.exited = new Promise((resolve) =>
      child.once('exit', (code, signal) => {
        this.history.push(`exit ${signal ?? code}`);
        resolve({ code, signal });
      }),
    );
    this.history.push(`start pid ${child.pid}`);
    const deadline = started + BOOT_TIMEOUT_MS;
    while (performance.now() < deadline) {
      if (!this.running) throw new Error(`${this.name} exited while starting:\n${this.logTail()}`);
      if (await ready(this.url)) return performance.now() - started;
      await sleep(50);
    }
    throw new Error(`${this.name} was not ready within ${BOOT_TIMEOUT_MS} ms:\n${this.logTail()}`);
  }

  /** Sends the signal and waits for the exit. */
  async stop(signal: 'SIGTERM' | 'SIGKILL'): Promise<Exit> {
    if (!this.running) return this.exited;
    this.signal(signal);
    return this.waitForExit();
  }

  /** Sends the signal only (the test watches what happens meanwhile, then calls `waitForExit`). */
  signal(signal: NodeJS.Signals): void {
    this.child?.kill(signal);
  }

  async waitForExit(): Promise<Exit> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => {
        this.child?.kill('SIGKILL');
        reject(new Error(`${this.name} did not exit within ${EXIT_TIMEOUT_MS} ms:\n${this.logTail()}`));
      }, EXIT_TIMEOUT_MS);
    });
    try {
      return await Promise.race([this.exited, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  logTail(lines = 30): string {
    try {
      return readFileSync(this.logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
    } catch {
      return '(no log)';
    }
  }
}

export class ApiCluster {
  private constructor(
    readonly instances: ApiInstance[],
    readonly databaseUrl: string,
    private readonly database: string,
    private readonly dir: string,
    private readonly cliEnv: Record<string, string>,
  ) {}

  /**
   * A scratch database (migrated and seeded with the demo content by the seed CLI, as an operator would), then the
   * instances, started together. Whatever was made is removed if any step fails.
   */
  static async start(options: ClusterOptions): Promise<ApiCluster> {
    const database = `wellclinic_cluster_test_${randomBytes(4).toString('hex')}`;
    const databaseUrl = withDatabase(CLUSTER_POSTGRES_URL, database);
    const dir = await mkdtemp(join(tmpdir(), 'wellclinic-cluster-'));
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      DATABASE_URL: databaseUrl,
      REDIS_URL: CLUSTER_REDIS_URL,
      JWT_SECRET: randomBytes(48).toString('base64'),
      DATA_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      // The scenarios' admin signs in with a password only: production's default would confine it to MFA enrolment.
      MFA_REQUIRED_ROLES: '',
      DB_POOL_MAX: '5',
      DOCS_ENABLED: 'false',
      LOG_LEVEL: 'warn',
      SHUTDOWN_DRAIN_MS: String(options.drainMs),
      SHUTDOWN_TIMEOUT_MS: '5000',
      // HAProxy's address: the visitor's IP is the one it puts in X-Forwarded-For.
      TRUST_PROXY: '127.0.0.1',
      // A cached copy outlives every scenario: only an invalidation message can explain a fresh read elsewhere.
      RESPONSE_CACHE_TTL_MS: '60000',
      CACHE_INVALIDATION: 'redis',
      // No webhook receivers: nothing for the dispatcher to do.
      NOTIFY_DISPATCH_INTERVAL_MS: '0',
      // The load is far above a real visitor's (each load run is one visitor address): the highest limits allowed.
      RATE_LIMIT_GENERAL_LIMIT: '100000',
      RATE_LIMIT_SUBMISSION_LIMIT: '10000',
      ...options.env,
    };
    let created = false;
    const instances: ApiInstance[] = [];
    try {
      await createDatabase(CLUSTER_POSTGRES_URL, database);
      created = true;
      await runCli('seed.js', [], env);
      const ports = await freePorts(options.instances);
      ports.forEach((port, i) => {
        const name = `app${i + 1}`;
        instances.push(new ApiInstance(name, port, { ...env, PORT: String(port) }, join(dir, `${name}.log`)));
      });
      await Promise.all(instances.map((instance) => instance.start()));
      return new ApiCluster(instances, databaseUrl, database, dir, env);
    } catch (error) {
      await Promise.all(instances.map((instance) => instance.stop('SIGKILL')));
      if (created) await dropDatabase(CLUSTER_POSTGRES_URL, database);
      await rm(dir, { recursive: true, force: true });
      throw error;
    }
  }

  /** `node dist/src/cli/create-admin.js` against the cluster's database, as an operator creates the first admin. */
  async createAdmin(email: string, password: string): Promise<void> {
    await runCli('create-admin.js', ['--email', email, '--password', password], this.cliEnv);
  }

  /** Stops every instance (SIGKILL: nothing to prove here), drops the database, removes the logs. */
  async close(): Promise<void> {
    await Promise.all(this.instances.map((instance) => instance.stop('SIGKILL')));
    await dropDatabase(CLUSTER_POSTGRES_URL, this.database);
    await rm(this.dir, { recursive: true, force: true });
  }
}

async function runCli(script: string, args: string[], env: Record<string, string>): Promise<void> {
  try {
    await promisify(execFile)(process.execPath, [join(CLI, script), ...args], { env, timeout: 60_000 });
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string };
    throw new Error(`${script} failed: ${String(error)}\n${stdout ?? ''}${stderr ?? ''}`, { cause: error });
  }
}

async function ready(url: string): Promise<boolean> {
  try {
    const response = await fetch(`${url}/health`, { signal: AbortSignal.timeout(2000) });
    await response.arrayBuffer();
    return response.status === 200;
  } catch {
    return false;
  }
}

/** Ports the kernel hands out now, held together so they differ, then released for the instances. */
async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<ReturnType<typeof createServer>>((resolve, reject) => {
          const server = createServer();
          server.once('error', reject);
          server.listen(0, '127.0.0.1', () => resolve(server));
        }),
    ),
  );
  const ports = servers.map((server) => (server.address() as AddressInfo).port);
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  return ports;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
