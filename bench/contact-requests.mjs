// `npm run bench:contact`: contact submissions. The built API (dist/) on a scratch PostgreSQL database and a bare
// Fastify + pg server doing the same single INSERT (bench/servers/bare-contact.mjs) take concurrent submissions in
// alternated rounds; the verdict is the median of the per-round throughput ratios. Then the load test of "nothing
// may be lost": every 201 the API answered must be exactly one row in the database, and every request must have
// been announced to the webhook (a local receiver). `--quick`: short rounds, to check the bench itself.
//
// Environment: BENCH_DATABASE_URL  server to create the scratch database on (postgres://postgres@127.0.0.1:5432)
//              BENCH_DURATION      seconds per measured run (5; --quick 2)
//              BENCH_WARMUP        seconds of warm-up per server (2; --quick 1)
//              BENCH_ROUNDS        alternated rounds (5; --quick 3)
//              BENCH_CONNECTIONS   concurrent connections (50)
//              BENCH_POOL_MAX      pool size of the API and of the bare server (10)
import autocannon from 'autocannon';
import { randomBytes, randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createServer } from 'node:http';
import {
  BROWSER_HEADERS,
  envNumber,
  flags,
  fmt,
  machineLine,
  median,
  postgresCpuMeter,
  printTable,
  roundRatios,
  run,
  scratchDatabase,
  startServer,
  targetCheck,
  withClient,
} from './lib.mjs';

const { quick } = flags();
const SERVER_URL = process.env.BENCH_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432';
const DURATION = envNumber('BENCH_DURATION', quick ? 2 : 5);
const WARMUP = envNumber('BENCH_WARMUP', quick ? 1 : 2, { zeroAllowed: true });
const ROUNDS = envNumber('BENCH_ROUNDS', quick ? 3 : 5, { integer: true });
const CONNECTIONS = envNumber('BENCH_CONNECTIONS', 50, { integer: true });
const POOL_MAX = envNumber('BENCH_POOL_MAX', 10, { integer: true });
const PATH = '/api/v1/contact-requests';
/** Throughput of the API ÷ the bare server's (issue 16). */
const TARGET = { min: 0.5 };
/** PostgreSQL's own CPU, when it runs on this machine: what each side's requests cost the database (set in main). */
let postgresCpu;

/** Counts the webhook deliveries it receives (and answers 204). */
async function startReceiver() {
  const delivered = new Set();
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      delivered.add(JSON.parse(body).reference);
      res.writeHead(204).end();
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { url: `http://127.0.0.1:${server.address().port}/hook`, delivered, close: () => server.close() };
}

/** A different person each time, in the shapes people really send. */
let submitted = 0;
function submission() {
  const i = ++submitted;
  return JSON.stringify({
    name: `Load Test ${i}`,
    phone: `(202) 555-01${String(i % 100).padStart(2, '0')}`,
    preferredChannel: i % 3 === 0 ? 'call' : 'text',
    consentToText: true,
    consentToContact: true,
    message: `Submission ${i}: please get in touch in the evening.`,
  });
}

/**
 * One run of POSTs as a browser's form sends them (each with its own Idempotency-Key). Every status is tallied and
 * each 201's reference collected; nothing throws, the check afterwards judges.
 */
async function submit(server, seconds, side) {
  const cpuBefore = await server.cpu();
  const postgresSince = postgresCpu?.start();
  const result = await autocannon({
    url: `${server.url}${PATH}`,
    connections: CONNECTIONS,
    duration: seconds,
    requests: [
      {
        method: 'POST',
        headers: { ...BROWSER_HEADERS, 'content-type': 'application/json' },
        setupRequest: (request) => ({
          ...request,
          body: submission(),
          headers: { ...request.headers, 'idempotency-key': randomUUID() },
        }),
        onResponse: (status, body) => {
          side.statuses.set(status, (side.statuses.get(status) ?? 0) + 1);
          if (status === 201) side.answered.push(JSON.parse(body).reference);
        },
      },
    ],
  });
  const cpuAfter = await server.cpu();
  const postgresMicros = postgresSince?.();
  side.errors += result.errors;
  side.timeouts += result.timeouts;
  side.runs += 1;
  // The server's own CPU (user + system) per answered request: what limits it once the database keeps up, and a
  // figure that a busy machine disturbs less than throughput.
  const cpuMicros = cpuAfter.user - cpuBefore.user + (cpuAfter.system - cpuBefore.system);
  return {
    rps: result.requests.total / result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    cpuPerRequest: cpuMicros / Math.max(1, result.requests.total),
    postgresCpuPerRequest:
      postgresMicros === undefined ? undefined : postgresMicros / Math.max(1, result.requests.total),
  };
}

const count = (url, where) =>
  withClient(url, async (client) => {
    const { rows } = await client.query(`SELECT count(*)::int AS n FROM contact_requests WHERE ${where}`);
    return rows[0].n;
  });

/** Webhook work the app still has to do: events not fanned out, deliveries not sent. */
const outboxBacklog = (url) =>
  withClient(url, async (client) => {
    const { rows } = await client.query(
      "SELECT (SELECT count(*) FROM outbox_events) + (SELECT count(*) FROM outbox_deliveries WHERE status = 'pending') AS n",
    );
    return Number(rows[0].n);
  });

/**
 * Waits (at most 60 s) until the app has announced everything it acknowledged: its dispatcher would otherwise go on
 * delivering during the next run, of either side, and take CPU and database time from it.
 */
async function settleOutbox(url) {
  const deadline = Date.now() + 60_000;
  while ((await outboxBacklog(url)) > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
}

const apiReferences = (url) =>
  withClient(url, async (client) => {
    const { rows } = await client.query("SELECT reference FROM contact_requests WHERE reference LIKE 'CR-%'");
    return new Set(rows.map((r) => r.reference));
  });

async function main() {
  const db = await scratchDatabase(SERVER_URL, 'bench_contact');
  postgresCpu = await postgresCpuMeter(SERVER_URL);
  const receiver = await startReceiver();
  const encryptionKey = randomBytes(32).toString('base64');
  try {
    const app = await startServer('app.mjs', 'app', {
      env: {
        NODE_ENV: 'production',
        LOG_LEVEL: 'warn',
        DATABASE_URL: db.url,
        DB_POOL_MAX: String(POOL_MAX),
        JWT_SECRET: randomBytes(32).toString('base64url'),
        DATA_ENCRYPTION_KEY: encryptionKey,
        DB_SEED_ON_START: 'true',
        RATE_LIMIT_GENERAL_LIMIT: '100000',
        RATE_LIMIT_GENERAL_WINDOW_SECONDS: '1',
        RATE_LIMIT_SUBMISSION_LIMIT: '10000',
        RATE_LIMIT_SUBMISSION_WINDOW_SECONDS: '1',
        NOTIFY_WEBHOOK_URLS: receiver.url,
        WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true',
        NOTIFY_WEBHOOK_SECRET: randomBytes(16).toString('hex'),
      },
    });
    const bare = await startServer('bare-contact.mjs', 'bare fastify+pg', {
      databaseUrl: db.url,
      poolMax: POOL_MAX,
      encryptionKey,
    });
    const seeded = await apiReferences(db.url);
    const sides = [
      { label: 'app', server: app },
      { label: 'bare fastify+pg INSERT', server: bare },
    ].map((side) => ({ ...side, statuses: new Map(), answered: [], errors: 0, timeouts: 0, runs: 0 }));

    console.log(machineLine());
    console.log(
      `load: ${CONNECTIONS} connections, ${DURATION} s per run after ${WARMUP} s warm-up, ${ROUNDS} alternated ` +
        `rounds, pool ${POOL_MAX}; each request with its own Idempotency-Key and browser headers`,
    );
    if (WARMUP > 0) {
      for (const side of sides) {
        await settleOutbox(db.url);
        await submit(side.server, WARMUP, side);
      }
    }
    const runs = sides.map(() => []);
    for (let round = 0; round < ROUNDS; round++) {
      for (const [i, side] of sides.entries()) {
        await settleOutbox(db.url);
        runs[i].push(await submit(side.server, DURATION, side));
      }
    }
    for (const [i, side] of sides.entries()) {
      console.log(`  ${side.label}: ${runs[i].map((r) => fmt(r.rps)).join(', ')} req/s`);
    }
    const verdict = roundRatios(runs[0], runs[1], (a, b) => a.rps / b.rps);

    // Requests in flight when a run stopped still complete (their answers are not counted): let the server
    // settle, and the dispatcher drain the outbox, before comparing (bounded wait).
    const [app201] = sides;
    const deadline = Date.now() + 120_000;
    let stored = new Set();
    let previous = -1;
    for (;;) {
      stored = new Set([...(await apiReferences(db.url))].filter((reference) => !seeded.has(reference)));
      const settled = stored.size === previous && [...stored].every((r) => receiver.delivered.has(r));
      if (settled || Date.now() > deadline) break;
      previous = stored.size;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    const answered = new Set(app201.answered);
    const duplicates = app201.answered.length - answered.size;
    const missing = [...answered].filter((reference) => !stored.has(reference));
    const inFlight = stored.size - (answered.size - missing.length);
    const unannounced = [...stored].filter((reference) => !receiver.delivered.has(reference));
    const bareRows = await count(db.url, "reference LIKE 'BR-%'");

    console.log('');
    const check = targetCheck(verdict.median, TARGET);
    printTable(
      [
        'server',
        'req/s',
        'p50 ms',
        'p99 ms',
        'CPU µs/req',
        'PostgreSQL µs/req',
        'statuses',
        'errors',
        'timeouts',
        'ratio',
        'min–max',
        'target',
        'result',
      ],
      sides.map((side, i) => [
        side.label,
        fmt(median(runs[i].map((r) => r.rps))),
        fmt(median(runs[i].map((r) => r.p50))),
        fmt(median(runs[i].map((r) => r.p99))),
        fmt(median(runs[i].map((r) => r.cpuPerRequest))),
        postgresCpu ? fmt(median(runs[i].map((r) => r.postgresCpuPerRequest))) : '—',
        [...side.statuses].map(([s, n]) => `${s}×${n}`).join(' '),
        fmt(side.errors),
        fmt(side.timeouts),
        ...(i === 0
          ? [fmt(verdict.median, 2), `${fmt(verdict.min, 2)}–${fmt(verdict.max, 2)}`, check.text, check.result]
          : []),
      ]),
      new Set([1, 2, 3, 4, 5, 7, 8]),
    );
    console.log(
      'req/s, p50, p99, CPU µs/req (the server process, user + system), PostgreSQL µs/req (its processes, user + ' +
        'system, when it runs on this machine): medians over the rounds; ratio: the median of the per-round ratios ' +
        'app ÷ bare (req/s).',
    );
    console.log(`bare server: ${fmt(sides[1].statuses.get(201) ?? 0)} answered 201, ${fmt(bareRows)} rows stored`);
    console.log('');
    console.log(
      `app: ${answered.size} answered 201 (warm-up included); found in the database: ${answered.size - missing.length}; ` +
        `missing: ${missing.length}; answered twice: ${duplicates}`,
    );
    console.log(
      `rows: ${stored.size} submitted = ${answered.size - missing.length} answered 201 + ${inFlight} in flight at the ` +
        `end of a run (+ ${seeded.size} seeded)`,
    );
    console.log(`webhook: ${unannounced.length} of the ${stored.size} submitted requests not announced`);
    const ok =
      missing.length === 0 &&
      duplicates === 0 &&
      inFlight >= 0 &&
      inFlight <= CONNECTIONS * app201.runs &&
      unannounced.length === 0 &&
      app201.errors === 0;
    console.log(ok ? 'PASS: every 201 is stored exactly once and announced' : 'FAIL: see above');
    return ok ? 0 : 1;
  } finally {
    receiver.close();
  }
}

await run(main);
