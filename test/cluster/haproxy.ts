import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const SCRIPT = fileURLToPath(new URL('./haproxy.sh', import.meta.url));

/** One server's line of HAProxy's `show stat`, the columns the scenarios print. */
export interface ServerStat {
  name: string;
  /** UP, DOWN, `UP 1/2` (coming up), `DOWN 1/1` (going down), MAINT, no check. */
  status: string;
  /** Requests (sessions) it was given in all. */
  total: number;
  /** Connection errors (econ), retries (wretr), redispatches away from it (wredis). */
  connectionErrors: number;
  retries: number;
  redispatches: number;
  /** Responses it answered 5xx. */
  http5xx: number;
}

/**
 * HAProxy in front of the given ports (test/cluster/haproxy.sh), with its admin socket for the scenarios' figures.
 * Each one gets its own state file, so a run leaves nothing that a later `start` would trip over.
 */
export class HaProxy {
  private constructor(
    readonly url: string,
    private readonly socket: string,
    private readonly stateDir: string,
  ) {}

  static async start(ports: number[]): Promise<HaProxy> {
    const stateDir = await mkdtemp(join(tmpdir(), 'wellclinic-haproxy-state-'));
    const env = { ...process.env, HAPROXY_STATE: join(stateDir, 'state') };
    try {
      const { stdout } = await promisify(execFile)('bash', [SCRIPT, 'start', ...ports.map(String)], {
        env,
        timeout: 300_000,
      });
      const url = /^HAPROXY_URL=(.+)$/m.exec(stdout)?.[1];
      const socket = /^HAPROXY_SOCKET=(.+)$/m.exec(stdout)?.[1];
      if (!url || !socket) throw new Error(`haproxy.sh start printed no HAPROXY_URL or HAPROXY_SOCKET:\n${stdout}`);
      return new HaProxy(url, socket, stateDir);
    } catch (error) {
      await rm(stateDir, { recursive: true, force: true });
      throw error;
    }
  }

  /** The config haproxy.sh wrote (beside its admin socket). */
  get configFile(): string {
    return join(dirname(this.socket), 'haproxy.cfg');
  }

  async stop(): Promise<void> {
    try {
      await promisify(execFile)('bash', [SCRIPT, 'stop'], {
        env: { ...process.env, HAPROXY_STATE: join(this.stateDir, 'state') },
        timeout: 30_000,
      });
    } finally {
      await rm(this.stateDir, { recursive: true, force: true });
    }
  }

  /** A command on the admin socket (management.txt: `show stat`, `show servers state`…); its whole answer. */
  command(line: string): Promise<string> {
    return new Promise((resolve, reject) => {
      const socket = connect(this.socket);
      let answer = '';
      socket.setEncoding('utf8');
      socket.setTimeout(2000, () => socket.destroy(new Error(`no answer to "${line}" on ${this.socket}`)));
      socket.on('connect', () => socket.end(`${line}\n`));
      socket.on('data', (chunk: string) => (answer += chunk));
      socket.on('end', () => resolve(answer));
      socket.on('error', reject);
    });
  }

  /** The backend's servers, from `show stat`. */
  async servers(): Promise<Map<string, ServerStat>> {
    const [header, ...rows] = (await this.command('show stat')).trim().split('\n');
    const columns = header.replace(/^# /, '').split(',');
    const at = (row: string[], column: string) => row[columns.indexOf(column)] ?? '';
    const servers = new Map<string, ServerStat>();
    for (const row of rows.map((line) => line.split(','))) {
      const name = at(row, 'svname');
      if (at(row, 'pxname') !== 'instances' || name === 'BACKEND') continue;
      servers.set(name, {
        name,
        status: at(row, 'status'),
        total: Number(at(row, 'stot')),
        connectionErrors: Number(at(row, 'econ')),
        retries: Number(at(row, 'wretr')),
        redispatches: Number(at(row, 'wredis')),
        http5xx: Number(at(row, 'hrsp_5xx')),
      });
    }
    return servers;
  }

  async status(server: string): Promise<string> {
    return (await this.servers()).get(server)?.status ?? 'unknown';
  }

  /** Polls the server's status until `wanted` matches it; returns how long that took (ms). */
  async waitForStatus(server: string, wanted: RegExp, timeoutMs = 15_000): Promise<number> {
    const since = performance.now();
    for (;;) {
      const status = await this.status(server);
      if (wanted.test(status)) return performance.now() - since;
      if (performance.now() - since > timeoutMs) {
        throw new Error(`HAProxy's ${server} is ${status}, not ${String(wanted)}, after ${timeoutMs} ms`);
      }
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }
}
