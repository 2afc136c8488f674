// `npm run bench:contact`: the load test of "nothing may be lost". The built API (dist/) on a scratch PostgreSQL
// database takes concurrent contact-request submissions for a while; afterwards every 201 it answered must be a
// row in the database, and every request must have been announced to the webhook (a local receiver).
//
// Environment: BENCH_DATABASE_URL  server to create the scratch database on (postgres://postgres@127.0.0.1:5432)
//              BENCH_DURATION      seconds of load (30)
//              BENCH_CONNECTIONS   concurrent connections (50)
import autocannon from 'autocannon';
import { randomBytes, randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createServer } from 'node:http';
import os from 'node:os';
import { createDatabase, databaseUrl, dropDatabase, startServer, stopServers, withClient } from './lib.mjs';

const SERVER_URL = process.env.BENCH_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432';
const DURATION = Number(process.env.BENCH_DURATION ?? 30);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const PATH = '/api/v1/contact-requests';

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
function submission(i) {
  const phone = `(202) 555-01${String(i % 100).padStart(2, '0')}`;
  return JSON.stringify({
    name: `Load Test ${i}`,
    phone,
    preferredChannel: i % 3 === 0 ? 'call' : 'text',
    consentToText: true,
    consentToContact: true,
    message: `Submission ${i}: please get in touch in the evening.`,
  });
}

const dbName = `bench_contact_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;

async function main() {
  await createDatabase(SERVER_URL, dbName);
  const receiver = await startReceiver();
  try {
    const app = await startServer('app.mjs', 'app', {
      env: {
        NODE_ENV: 'production',
        LOG_LEVEL: 'warn',
        DATABASE_URL: databaseUrl(SERVER_URL, dbName),
        JWT_SECRET: randomBytes(32).toString('base64url'),
        DATA_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
        DB_SEED_ON_START: 'true',
        RATE_LIMIT_GENERAL_LIMIT: '100000',
        RATE_LIMIT_GENERAL_WINDOW_SECONDS: '1',
        RATE_LIMIT_SUBMISSION_LIMIT: '10000',
        RATE_LIMIT_SUBMISSION_WINDOW_SECONDS: '1',
        NOTIFY_WEBHOOK_URLS: receiver.url,
        NOTIFY_WEBHOOK_SECRET: randomBytes(16).toString('hex'),
        NOTIFY_DISPATCH_INTERVAL_MS: '200',
      },
    });
    const seeded = await countRows();
    const seededReferences = await submittedReferences(new Set());
    const answered = [];
    const statuses = new Map();
    let counter = 0;
    const result = await autocannon({
      url: `${app.url}${PATH}`,
      connections: CONNECTIONS,
      duration: DURATION,
      requests: [
        {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          setupRequest: (request) => {
            counter += 1;
            return {
              ...request,
              body: submission(counter),
              headers: { ...request.headers, 'idempotency-key': randomUUID() },
            };
          },
          onResponse: (status, body) => {
            statuses.set(status, (statuses.get(status) ?? 0) + 1);
            if (status === 201) answered.push(JSON.parse(body).reference);
          },
        },
      ],
    });

    // Requests in flight when the load stopped still complete (their answers are not counted): let the server
    // settle, and the dispatcher drain the outbox, before comparing (bounded wait).
    const deadline = Date.now() + 120_000;
    let submitted = await submittedReferences(seededReferences);
    while (
      (receiver.delivered.size < submitted.size || (await countRows()) - seeded !== submitted.size) &&
      Date.now() < deadline
    ) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      submitted = await submittedReferences(seededReferences);
    }
    const missing = answered.filter((reference) => !submitted.has(reference));
    const inFlight = submitted.size - (answered.length - missing.length);
    const unannounced = [...submitted].filter((reference) => !receiver.delivered.has(reference));

    const cpus = os.cpus();
    console.log(
      `machine: ${cpus.length} × ${cpus[0]?.model ?? 'CPU'}, load average ${os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
    );
    console.log(`load: ${CONNECTIONS} connections for ${DURATION} s, each request with its own Idempotency-Key`);
    console.log(
      `requests: ${result.requests.total} (${result.requests.average.toFixed(0)} req/s), p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms`,
    );
    console.log(
      `statuses: ${[...statuses].map(([s, n]) => `${s}×${n}`).join(', ')}; errors ${result.errors}, timeouts ${result.timeouts}`,
    );
    console.log(
      `201 answers: ${answered.length}; found in the database: ${answered.length - missing.length}; missing: ${missing.length}`,
    );
    console.log(
      `rows: ${submitted.size} submitted = ${answered.length - missing.length} answered 201 + ${inFlight} in flight at the end (+ ${seeded} seeded)`,
    );
    console.log(`webhook: ${unannounced.length} of the ${submitted.size} submitted requests not announced`);
    const ok = missing.length === 0 && inFlight >= 0 && inFlight <= CONNECTIONS && unannounced.length === 0;
    console.log(ok ? 'PASS: every 201 is stored and announced' : 'FAIL');
    process.exitCode = ok ? 0 : 1;
  } finally {
    await stopServers();
    receiver.close();
    await dropDatabase(SERVER_URL, dbName).catch((error) => console.error(`could not drop ${dbName}:`, error));
  }
}

/** References of every stored request except the seeded ones. */
async function submittedReferences(seededReferences) {
  return withClient(databaseUrl(SERVER_URL, dbName), async (client) => {
    const { rows } = await client.query('SELECT reference FROM contact_requests');
    return new Set(rows.map((r) => r.reference).filter((reference) => !seededReferences.has(reference)));
  });
}

async function countRows() {
  return withClient(databaseUrl(SERVER_URL, dbName), async (client) => {
    const { rows } = await client.query('SELECT count(*)::int AS n FROM contact_requests');
    return rows[0].n;
  });
}

await main();
