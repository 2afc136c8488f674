import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { HaProxy } from './haproxy.js';

/**
 * What HAProxy's config (test/cluster/haproxy.sh, deploy/haproxy.cfg) retries, shown with two stand-in servers
 * instead of the API: `faulty` passes its health checks but fails the requests it is given, the way it asks
 * (`x-fault: drop` closes the connection without an answer, as a crashed instance does; `x-fault: 503` answers 503,
 * as an instance closing its listener does); `healthy` answers everything. Each server counts the requests it
 * received, by the test's request id, so a retry is seen as the same id reaching both.
 */

type Fault = 'drop' | '503';

const DEPLOY_CONFIG = fileURLToPath(new URL('../../deploy/haproxy.cfg', import.meta.url));

/** The lines that decide what is retried and how a server is checked, without comments and indentation. */
async function retryPolicy(file: string): Promise<string[]> {
  const policy = /^(retries|option redispatch|retry-on|acl |http-request disable-l7-retry|option httpchk|http-check)/;
  return (await readFile(file, 'utf8'))
    .split('\n')
    .map((line) => line.replace(/#.*/, '').trim())
    .filter((line) => policy.test(line));
}

/**
 * The client's connection closed without an answer. HAProxy answers a server's silent close with 502 on a client
 * connection's first request, and with a silent close of its own on a later one (as the server did: the client may
 * then retry a request it knows is safe, as browsers do on a kept-alive connection).
 */
const NO_ANSWER = 0;

interface Received {
  faulty: Map<string, number>;
  healthy: Map<string, number>;
}

function standIn(name: keyof Received, received: Received, faulty: boolean): Server {
  return createServer((req: IncomingMessage, res) => {
    req.resume();
    req.on('end', () => {
      if (req.url === '/health') {
        res.end('{"status":"ok"}');
        return;
      }
      const id = String(req.headers['x-test-id']);
      received[name].set(id, (received[name].get(id) ?? 0) + 1);
      if (faulty && req.headers['x-fault'] === 'drop') {
        req.socket.destroy();
        return;
      }
      res.statusCode = faulty ? 503 : 200;
      res.end();
    });
  });
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

describe('HAProxy retries only what is safe to repeat', () => {
  const received: Received = { faulty: new Map(), healthy: new Map() };
  const servers = [standIn('faulty', received, true), standIn('healthy', received, false)];
  let haproxy: HaProxy | undefined;

  beforeAll(async () => {
    const ports = await Promise.all(servers.map(listen));
    haproxy = await HaProxy.start(ports);
    await Promise.all(['app1', 'app2'].map((name) => haproxy!.waitForStatus(name, /^UP$/)));
  }, 300_000);

  afterAll(async () => {
    await haproxy?.stop();
    await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  });

  interface Outcome {
    status: number;
    /** How many times the faulty server and the healthy one received it. */
    faulty: number;
    healthy: number;
  }

  /**
   * Sends six requests of one kind, one after another (round robin hands some, usually all, to the faulty server
   * first: a retry moves its turn on), and says what became of those the faulty server received.
   */
  async function send(method: string, path: string, fault: Fault, headers: Record<string, string> = {}) {
    const outcomes: Outcome[] = [];
    for (let i = 0; i < 6; i++) {
      const id = randomUUID();
      const status = await fetch(`${haproxy!.url}${path}`, {
        method,
        headers: { 'x-test-id': id, 'x-fault': fault, ...headers },
        body: method === 'GET' ? undefined : '{}',
      }).then(
        async (response) => {
          await response.arrayBuffer();
          return response.status;
        },
        () => NO_ANSWER,
      );
      outcomes.push({
        status,
        faulty: received.faulty.get(id) ?? 0,
        healthy: received.healthy.get(id) ?? 0,
      });
    }
    const hitFaulty = outcomes.filter((o) => o.faulty > 0);
    // Otherwise the kind proves nothing.
    expect(hitFaulty.length).toBeGreaterThan(0);
    return hitFaulty;
  }

  const key = { 'idempotency-key': randomUUID(), 'content-type': 'application/json' };
  const retried = { status: 200, faulty: 1, healthy: 1 };

  it('is the policy of deploy/haproxy.cfg, which HAProxy accepts', async () => {
    const tested = await retryPolicy(haproxy!.configFile);
    expect(tested.length).toBeGreaterThanOrEqual(9);
    expect(await retryPolicy(DEPLOY_CONFIG)).toEqual(tested);
    // -c: check only. Its servers' names resolve only in Docker, which HAProxy allows (init-addr none).
    await promisify(execFile)('haproxy', ['-c', '-q', '-f', DEPLOY_CONFIG], {
      env: { ...process.env, PATH: `${process.env.PATH ?? ''}:/usr/sbin` },
    });
  });

  it.each<Fault>(['drop', '503'])(
    'retries on another server after "%s": reads, and keyed contact submissions',
    async (fault) => {
      const reads = await send('GET', '/api/v1/articles', fault);
      const keyed = await send('POST', '/api/v1/contact-requests', fault, key);
      process.stdout.write(
        `\n  [retries] ${fault}: ${reads.length} GETs and ${keyed.length} keyed submissions met the faulty server; ` +
          `each was retried once on the healthy one and answered 200\n`,
      );
      expect(reads).toEqual(reads.map(() => retried));
      expect(keyed).toEqual(keyed.map(() => retried));
    },
  );

  it.each<Fault>(['drop', '503'])(
    'passes "%s" back without repeating a POST it cannot know is deduplicated',
    async (fault) => {
      const failure = (outcome: Outcome) => ({
        ...outcome,
        status: fault === 'drop' && outcome.status === NO_ANSWER ? 502 : outcome.status,
      });
      const status = fault === 'drop' ? 502 : 503;
      const once = { status, faulty: 1, healthy: 0 };
      const unkeyed = await send('POST', '/api/v1/contact-requests', fault, { 'content-type': 'application/json' });
      // A route that ignores Idempotency-Key: a key there deduplicates nothing.
      const otherRoute = await send('POST', '/api/v1/testimonials/submissions', fault, key);
      const patch = await send('PATCH', '/api/v1/admin/contact-requests/x', fault, key);
      process.stdout.write(
        `\n  [retries] ${fault}: ${unkeyed.length} unkeyed submissions, ${otherRoute.length} keyed testimonial ` +
          `submissions and ${patch.length} PATCHes met the faulty server; each reached it once and got ` +
          `${[...new Set([...unkeyed, ...otherRoute, ...patch].map((o) => o.status || 'no answer'))].join(' or ')}\n`,
      );
      for (const outcomes of [unkeyed, otherRoute, patch])
        expect(outcomes.map(failure)).toEqual(outcomes.map(() => once));
    },
  );
});
