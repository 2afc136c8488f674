// `npm run bench`: the public reads of the built API (dist/) as real clients send them, against bare baselines, on
// PostgreSQL with 10,000 generated articles (9,000 published); then the API on its embedded database. See
// bench/README.md for what is measured and how to read the verdicts. `--quick`: short rounds, to check the bench
// itself, never a verdict. `--scale`: the data-size benchmark instead (bench/scale.mjs).
//
// Environment: BENCH_DATABASE_URL   server to create the scratch database on (postgres://postgres@127.0.0.1:5432)
//              BENCH_DURATION       seconds per measured run (5; --quick 2)
//              BENCH_WARMUP         seconds of warm-up per server and workload (3; --quick 1)
//              BENCH_ROUNDS         alternated rounds per workload (5; --quick 3)
//              BENCH_CONNECTIONS    concurrent connections (20)
//              BENCH_POOL_MAX       pool size of the API and of the bare pg baseline (10)
//              BENCH_WORKLOADS      comma-separated subset: list,detail,cached200,cached304,deep,hours,embedded (all)
//              BENCH_EMBEDDED_LOAD  seconds of list load before the embedded API's RSS is read (5; --quick 2)
import { randomBytes } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { loadArticles, SITE_URL } from './articles-data.mjs';
import {
  alternate,
  BROWSER_HEADERS,
  cannon,
  checkEncodings,
  CLIENTS,
  envList,
  envNumber,
  firstDifference,
  flags,
  fmt,
  getJson,
  machineLine,
  postgresVersion,
  printTable,
  rawRequest,
  removeAtEnd,
  roundRatios,
  rss,
  run,
  scratchDatabase,
  startServer,
  targetCheck,
  throughputSummary,
} from './lib.mjs';

const FLAGS = flags();

function options() {
  const quick = FLAGS.quick;
  return {
    quick,
    serverUrl: process.env.BENCH_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432',
    duration: envNumber('BENCH_DURATION', quick ? 2 : 5),
    warmup: envNumber('BENCH_WARMUP', quick ? 1 : 3, { zeroAllowed: true }),
    rounds: envNumber('BENCH_ROUNDS', quick ? 3 : 5, { integer: true }),
    connections: envNumber('BENCH_CONNECTIONS', 20, { integer: true }),
    poolMax: envNumber('BENCH_POOL_MAX', 10, { integer: true }),
    workloads: envList('BENCH_WORKLOADS', ALL_WORKLOADS),
    embeddedLoad: envNumber('BENCH_EMBEDDED_LOAD', quick ? 2 : 5),
  };
}

const ALL_WORKLOADS = ['list', 'detail', 'cached200', 'cached304', 'deep', 'hours', 'embedded'];
const ARTICLES = 10_000;
const LIST = '/api/v1/articles';
const PAGE1 = `${LIST}?page=1&pageSize=20`;
const PAGE400 = `${LIST}?page=400&pageSize=20`;
const HOURS_STATUS = '/api/v1/hours/text-line/status';
/** The API's RSS targets (issue 16), in MiB. */
const RSS_TARGET_POSTGRES = 250;
const RSS_TARGET_EMBEDDED = 400;

const adminCredentials = () => ({
  ADMIN_EMAIL: 'bench-admin@wellclinic.example',
  ADMIN_PASSWORD: `Bench-${randomBytes(18).toString('base64url')}`,
});

function appEnv(extra) {
  return {
    NODE_ENV: 'production',
    JWT_SECRET: randomBytes(32).toString('hex'),
    DATA_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    LOG_LEVEL: 'warn',
    RATE_LIMIT_GENERAL_LIMIT: '100000',
    RATE_LIMIT_GENERAL_WINDOW_SECONDS: '1',
    // The bench's admin signs in with its password alone (production requires a second factor of admins): the
    // sign-in is not what is measured.
    MFA_REQUIRED_ROLES: '',
    PUBLIC_SITE_URL: SITE_URL,
    ...extra,
  };
}

async function login(server, { ADMIN_EMAIL: email, ADMIN_PASSWORD: password }) {
  const response = await rawRequest(`${server.url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  if (response.status !== 200) throw new Error(`sign-in answered ${response.status}: ${response.body}`);
  return { authorization: `Bearer ${JSON.parse(response.body).accessToken}` };
}

/** The text line open every day 09:00–21:00 in New York: what `GET /hours/text-line/status` reads. */
async function createSchedule(server, auth) {
  const days = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'];
  const response = await rawRequest(`${server.url}/api/v1/admin/hours/text-line`, {
    method: 'PUT',
    headers: { ...auth, 'content-type': 'application/json' },
    body: JSON.stringify({
      name: 'Text line',
      timeZone: 'America/New_York',
      description: 'When someone answers "Send us a text!" messages.',
      periods: days.map((day) => ({ day, opens: '09:00', closes: '21:00' })),
    }),
  });
  if (response.status !== 200 && response.status !== 201) {
    throw new Error(`creating the hours schedule answered ${response.status}: ${response.body}`);
  }
}

/** An ETag the server gives to a client sending `headers` (a second request: the first may be a cache miss). */
async function etagFor(server, path, headers) {
  await getJson(server.url, path, headers);
  const { headers: got } = await getJson(server.url, path, headers);
  if (!got.etag) throw new Error(`${server.label} ${path} answered without an ETag`);
  await getJson(server.url, path, { ...headers, 'if-none-match': got.etag }, 304);
  return got.etag;
}

/** Each response, bare and with browser headers, must be the same JSON once decoded. */
async function checkAllEncodings(checks) {
  const rows = [];
  for (const [server, path, headers] of checks) {
    let check = await checkEncodings(server, path, headers);
    // A status of "now, to the minute" may cross a minute between the two requests: ask once more.
    if (!check.same) check = await checkEncodings(server, path, headers);
    if (!check.same)
      throw new Error(`${server.label} ${path}: the browser response decodes to other JSON: ${check.difference}`);
    rows.push([
      check.server,
      check.path.length > 48 ? `${check.path.slice(0, 47)}…` : check.path,
      check.encoding,
      check.vary,
      fmt(check.identityBytes),
      fmt(check.browserBytes),
      'same JSON',
    ]);
  }
  console.log('Responses with browser headers (Accept-Encoding: gzip, deflate, br) against bare ones:');
  printTable(['server', 'path', 'encoding', 'vary', 'bare B', 'browser B', 'decoded'], rows, new Set([4, 5]));
  console.log('');
}

/** Runs one alternated series of throughput measurements and records its verdict. */
function seriesRunner(opts, lines) {
  const measure = (entry, seconds) => cannon(entry.server, entry.target, seconds, opts.connections);
  return async ({ workload, client, entries, comparisons }) => {
    const done = await alternate(workload, entries, { ...opts, seconds: opts.duration, measure });
    for (const side of done) {
      const ratesText = side.runs.map((r) => fmt(r.rps)).join(', ');
      console.log(`  ${workload} · ${client} · ${side.label}: ${ratesText} req/s`);
    }
    for (const { subject, baseline, target } of comparisons) {
      const verdict = roundRatios(done[subject].runs, done[baseline].runs, (s, b) => s.rps / b.rps);
      console.log(
        `    ratios ${done[subject].label} ÷ ${done[baseline].label}: ${verdict.ratios.map((r) => fmt(r, 2)).join(', ')}`,
      );
      lines.push({
        workload,
        client,
        subject: { label: done[subject].label, ...throughputSummary(done[subject].runs) },
        baseline: { label: done[baseline].label, ...throughputSummary(done[baseline].runs) },
        verdict,
        target,
      });
    }
  };
}

function printVerdicts(lines) {
  const rows = [];
  for (const line of lines) {
    const check = targetCheck(line.verdict.median, line.target);
    const side = (s) => [s.label, fmt(s.rps), fmt(s.p50), fmt(s.p99), fmt(s.cpu * 100), fmt(s.bytes)];
    rows.push([
      line.workload,
      line.client,
      ...side(line.subject),
      fmt(line.verdict.median, 2),
      `${fmt(line.verdict.min, 2)}–${fmt(line.verdict.max, 2)}`,
      check.text,
      check.result,
    ]);
    rows.push(['', '', ...side(line.baseline), '', '', '', '']);
  }
  printTable(
    [
      'workload',
      'client',
      'server',
      'req/s',
      'p50 ms',
      'p99 ms',
      'cpu %',
      'B/resp',
      'ratio',
      'min–max',
      'target',
      'result',
    ],
    rows,
    new Set([3, 4, 5, 6, 7, 8]),
  );
  console.log(
    'req/s, p50, p99, cpu and B/resp (bytes on the wire per response, headers included): medians over the rounds;',
  );
  console.log(
    'ratio: the median of the per-round ratios subject ÷ baseline (req/s), min–max their spread; cpu % = the server',
  );
  console.log('process’s CPU time per second of the run (100 % = one core: its event loop was the limit).');
}

function printRss(rows) {
  printTable(
    ['server', 'RSS before load', 'after load', 'peak', 'target', 'result'],
    rows.map((r) => {
      const check = targetCheck(r.after, r.target === undefined ? undefined : { max: r.target }, 0);
      return [r.label, `${fmt(r.before)} MiB`, `${fmt(r.after)} MiB`, `${fmt(r.peak)} MiB`, check.text, check.result];
    }),
    new Set([1, 2, 3]),
  );
}

async function postgresPhase(opts, lines, rssRows) {
  const db = await scratchDatabase(opts.serverUrl, 'bench');
  console.log(`database ${db.name} on ${new URL(opts.serverUrl).host}`);
  const admin = adminCredentials();
  const common = { DATABASE_URL: db.url, DB_SEED_ON_START: 'false', DB_POOL_MAX: String(opts.poolMax), ...admin };

  // The first instance migrates the empty database (and creates the admin); the articles go in afterwards.
  const app = await startServer('app.mjs', 'app', { env: appEnv({ ...common, RESPONSE_CACHE_TTL_MS: '0' }) });
  const { published, detailSlugs } = await loadArticles(db.url, { count: ARTICLES });
  const [appCached, barePg] = await Promise.all([
    startServer('app.mjs', 'app (cache on)', { env: appEnv(common) }),
    startServer('bare-pg.mjs', 'bare fastify+pg', {
      databaseUrl: db.url,
      poolMax: opts.poolMax,
      statementTimeoutMs: 15_000,
      siteUrl: SITE_URL,
    }),
  ]);
  await createSchedule(app, await login(app, admin));

  // Preflight: every URL answers as expected, and the baseline answers what the API answers.
  const appList = (await getJson(app.url, PAGE1)).json;
  if (appList.meta?.total !== published) {
    throw new Error(
      `the API lists ${appList.meta?.total} articles, expected ${published}: if meta.total now comes from a table ` +
        'the loader does not fill, adapt bench/articles-data.mjs',
    );
  }
  const bareList = (await getJson(barePg.url, PAGE1)).json;
  if (!isDeepStrictEqual(appList, bareList)) {
    console.warn('warning: the bare pg list differs from the API’s:', firstDifference(appList, bareList));
  }
  const detailPaths = detailSlugs.map((slug) => `${LIST}/${slug}`);
  const appDetail = (await getJson(app.url, detailPaths[7])).json;
  const bareDetail = (await getJson(barePg.url, detailPaths[7])).json;
  if (!isDeepStrictEqual(appDetail, bareDetail)) {
    console.warn('warning: the bare pg detail differs from the API’s:', firstDifference(appDetail, bareDetail));
  }
  const before400 = (await getJson(app.url, `${LIST}?page=399&pageSize=20`)).json;
  const cursor = before400.meta?.nextCursor;
  if (typeof cursor !== 'string') throw new Error('page 399 carries no meta.nextCursor');
  const cursor400 = `${LIST}?cursor=${encodeURIComponent(cursor)}&pageSize=20`;
  const byOffset = (await getJson(app.url, PAGE400)).json;
  const byCursor = (await getJson(app.url, cursor400)).json;
  if (!isDeepStrictEqual(byOffset.data, byCursor.data) || byCursor.meta.page !== 400) {
    throw new Error('page 400 by cursor differs from page 400 by offset');
  }
  await getJson(appCached.url, HOURS_STATUS, BROWSER_HEADERS);

  // The cached read: what the API answers from its response cache, and the same bytes from a bare server.
  await getJson(appCached.url, PAGE1);
  const cachedHit = await getJson(appCached.url, PAGE1);
  if (cachedHit.headers['x-cache'] !== 'HIT') console.warn('warning: the second list request was not a cache HIT');
  const bareBytes = await startServer('bare-bytes.mjs', 'bare fastify bytes', {
    path: LIST,
    body: cachedHit.text,
    contentType: cachedHit.headers['content-type'],
  });
  await checkAllEncodings([
    [app, PAGE1],
    [barePg, PAGE1],
    [app, detailPaths[7]],
    [barePg, detailPaths[7]],
    [appCached, PAGE1],
    [bareBytes, PAGE1],
    [appCached, HOURS_STATUS],
  ]);
  const etags = {
    app: { browser: await etagFor(appCached, PAGE1, BROWSER_HEADERS), bare: await etagFor(appCached, PAGE1, {}) },
    bytes: { browser: await etagFor(bareBytes, PAGE1, BROWSER_HEADERS), bare: await etagFor(bareBytes, PAGE1, {}) },
  };

  const servers = [app, appCached, barePg, bareBytes];
  const before = await Promise.all(servers.map(rss));
  console.log(machineLine());
  console.log(
    `PostgreSQL ${await postgresVersion(opts.serverUrl)}, autocannon ${opts.connections} connections, pipelining 1, ` +
      `${opts.duration} s per run after ${opts.warmup} s warm-up, ${opts.rounds} alternated rounds, pool ${opts.poolMax}`,
  );
  console.log('');

  const series = seriesRunner(opts, lines);
  const target = (path, headers, status = 200, paths) => ({ path, paths, headers, status });
  const has = (name) => opts.workloads.has(name);
  for (const client of Object.values(CLIENTS)) {
    const h = client.headers;
    if (has('list')) {
      await series({
        workload: 'list page 1, uncached',
        client: client.name,
        entries: [
          { label: 'app', server: app, target: target(PAGE1, h) },
          { label: 'bare fastify+pg', server: barePg, target: target(PAGE1, h) },
        ],
        comparisons: [{ subject: 0, baseline: 1, target: { min: 0.7 } }],
      });
    }
    if (has('detail')) {
      await series({
        workload: 'detail by slug, uncached',
        client: client.name,
        entries: [
          { label: 'app', server: app, target: target(detailPaths[0], h, 200, detailPaths) },
          { label: 'bare fastify+pg', server: barePg, target: target(detailPaths[0], h, 200, detailPaths) },
        ],
        comparisons: [{ subject: 0, baseline: 1, target: { min: 0.7 } }],
      });
    }
    if (has('cached200')) {
      await series({
        workload: 'list page 1, cached 200',
        client: client.name,
        entries: [
          { label: 'app (cache on)', server: appCached, target: target(PAGE1, h) },
          { label: 'bare fastify bytes', server: bareBytes, target: target(PAGE1, h) },
        ],
        comparisons: [{ subject: 0, baseline: 1, target: { min: client === CLIENTS.browser ? 0.5 : 0.6 } }],
      });
    }
    if (has('cached304')) {
      const key = client === CLIENTS.browser ? 'browser' : 'bare';
      await series({
        workload: 'list page 1, cached 304',
        client: client.name,
        entries: [
          {
            label: 'app (cache on)',
            server: appCached,
            target: target(PAGE1, { ...h, 'if-none-match': etags.app[key] }, 304),
          },
          {
            label: 'bare fastify bytes',
            server: bareBytes,
            target: target(PAGE1, { ...h, 'if-none-match': etags.bytes[key] }, 304),
          },
        ],
        comparisons: [{ subject: 0, baseline: 1, target: { min: 0.6 } }],
      });
    }
  }
  if (has('deep')) {
    await series({
      workload: 'page 400 vs page 1, uncached',
      client: CLIENTS.browser.name,
      entries: [
        { label: 'app page 1', server: app, target: target(PAGE1, BROWSER_HEADERS) },
        { label: 'app page=400', server: app, target: target(PAGE400, BROWSER_HEADERS) },
        { label: 'app cursor→400', server: app, target: target(cursor400, BROWSER_HEADERS) },
      ],
      comparisons: [
        { subject: 1, baseline: 0, target: { min: 0.5 } },
        { subject: 2, baseline: 0 },
      ],
    });
  }
  if (has('hours')) {
    await series({
      workload: 'hours status vs cached list',
      client: CLIENTS.browser.name,
      entries: [
        { label: 'app (cache on) status', server: appCached, target: target(HOURS_STATUS, BROWSER_HEADERS) },
        { label: 'app (cache on) list', server: appCached, target: target(PAGE1, BROWSER_HEADERS) },
      ],
      comparisons: [{ subject: 0, baseline: 1, target: { min: 0.5 } }],
    });
  }

  const after = await Promise.all(servers.map(rss));
  servers.forEach((server, i) =>
    rssRows.push({
      label: `${server.label} (PostgreSQL)`,
      before: before[i].now,
      after: after[i].now,
      peak: after[i].peak,
      target: server === app || server === appCached ? RSS_TARGET_POSTGRES : undefined,
    }),
  );
  await Promise.all(servers.map((server) => server.stop()));
}

/** The API as shipped on its embedded database (no DATABASE_URL), with the demo content it seeds. */
async function embeddedPhase(opts, lines, rssRows) {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'bench-pglite-'));
  removeAtEnd(dataDir);
  const app = await startServer('app.mjs', 'app (embedded)', {
    env: appEnv({ ALLOW_EMBEDDED_IN_PRODUCTION: 'true', PGLITE_DATA_DIR: dataDir, DB_SEED_ON_START: 'true' }),
  });
  // Every list a site shows: each page at three page sizes, and each tag of the first page.
  const first = (await getJson(app.url, `${LIST}?page=1&pageSize=5`)).json;
  const listPaths = [];
  for (const pageSize of [5, 10, 20]) {
    const pages = Math.max(1, Math.ceil(first.meta.total / pageSize));
    for (let page = 1; page <= pages; page++) listPaths.push(`${LIST}?page=${page}&pageSize=${pageSize}`);
  }
  for (const tag of new Set(first.data.flatMap((a) => a.tags)))
    listPaths.push(`${LIST}?tag=${encodeURIComponent(tag)}`);
  for (const p of listPaths) await getJson(app.url, p, BROWSER_HEADERS);
  const detail = `${LIST}/${first.data[0].slug}`;
  await checkAllEncodings([
    [app, PAGE1],
    [app, detail],
  ]);

  const before = await rss(app);
  const load = await cannon(
    app,
    { path: listPaths[0], paths: listPaths, headers: BROWSER_HEADERS, status: 200 },
    opts.embeddedLoad,
    opts.connections,
  );
  const afterLoad = await rss(app);
  console.log(
    `embedded: ${first.meta.total} demo articles, ${listPaths.length} list URLs with browser headers for ` +
      `${opts.embeddedLoad} s: ${fmt(load.rps)} req/s, p99 ${fmt(load.p99)} ms`,
  );
  rssRows.push({
    label: `app (embedded), ${opts.embeddedLoad} s of list load`,
    before: before.now,
    after: afterLoad.now,
    peak: afterLoad.peak,
    target: RSS_TARGET_EMBEDDED,
  });

  await seriesRunner(
    opts,
    lines,
  )({
    workload: 'cached detail, embedded',
    client: 'browser ÷ no headers',
    entries: [
      { label: 'app (embedded) browser', server: app, target: { path: detail, headers: BROWSER_HEADERS, status: 200 } },
      { label: 'app (embedded) no headers', server: app, target: { path: detail, headers: {}, status: 200 } },
    ],
    // "Within 1.5× of the header-less figure".
    comparisons: [{ subject: 0, baseline: 1, target: { min: 1 / 1.5 } }],
  });
  await app.stop();
}

async function main() {
  const opts = options();
  if (opts.rounds < 5) {
    console.log(`note: ${opts.rounds} rounds: a check of the bench, not a verdict (verdicts need at least 5)\n`);
  }
  const lines = [];
  const rssRows = [];
  const postgresWorkloads = ALL_WORKLOADS.filter((w) => w !== 'embedded');
  if (postgresWorkloads.some((w) => opts.workloads.has(w))) await postgresPhase(opts, lines, rssRows);
  if (opts.workloads.has('embedded')) await embeddedPhase(opts, lines, rssRows);

  console.log('');
  printVerdicts(lines);
  console.log('');
  printRss(rssRows);
  console.log('');
  const missed = [
    ...lines.filter((l) => targetCheck(l.verdict.median, l.target).result === 'FAIL'),
    ...rssRows.filter((r) => r.target !== undefined && r.after > r.target),
  ];
  console.log(missed.length === 0 ? 'all targets met' : `${missed.length} target(s) missed`);
  return 0;
}

if (FLAGS.scale) {
  // The scale benchmark is its own script; it reads the same flags.
  await import('./scale.mjs');
} else {
  await run(main);
}
