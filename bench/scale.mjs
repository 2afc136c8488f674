// `npm run bench:scale` (or `npm run bench -- --scale`): how the API's latency grows with the data. Two scratch
// databases on PostgreSQL, a small one (1,000 articles, 10,000 audit events, 1,000 contact requests) and a large
// one (100,000 articles, 1,000,000 audit events, 100,000 contact requests), each behind its own API instance with
// no response cache; every workload alternates between the two, a few connections for a fixed time per round, and
// its verdict is the median over the rounds of the ratio large ÷ small of a latency percentile. See bench/README.md.
// `--quick`: 1,000 vs 10,000 articles (audit events and contact requests 1/100 of 100,000 and 10,000), short rounds.
//
// Environment: BENCH_DATABASE_URL         server to create the scratch databases on (postgres://postgres@127.0.0.1:5432)
//              BENCH_SCALE_ARTICLES       articles in the large database (100,000; --quick 10,000); the small has 1,000
//              BENCH_SCALE_AUDIT_EVENTS   audit events in the large database (1,000,000; --quick 100,000); small: 1/100
//              BENCH_SCALE_CONTACTS       contact requests in the large database (100,000; --quick 10,000); small: 1/100
//              BENCH_SCALE_DURATION       seconds per measured run (3; --quick 1)
//              BENCH_SCALE_ROUNDS         alternated rounds per workload (5; --quick 3)
//              BENCH_SCALE_CONNECTIONS    concurrent connections (4)
//              BENCH_SCALE_TIMEOUT_MS     a request without an answer after this is a timeout (5,000)
//              BENCH_SCALE_BUDGET         seconds the whole run may take: a workload that would end later is skipped (870)
import { randomBytes } from 'node:crypto';
import { loadAuditEvents, loadContactRequests, COMMON_ENTITY, RARE_ENTITY, STATUS_FILTER } from './admin-data.mjs';
import { COMMON_WORD, loadArticles, RARE_WORD, SITE_URL, TAGS } from './articles-data.mjs';
import {
  BROWSER_HEADERS,
  envNumber,
  flags,
  fmt,
  latencyRun,
  machineLine,
  median,
  postgresVersion,
  printTable,
  rawRequest,
  roundRatios,
  rss,
  run,
  scratchDatabase,
  startServer,
  targetCheck,
} from './lib.mjs';

const LIST = '/api/v1/articles';
const TAG = TAGS[0];
const SMALL_ARTICLES = 1_000;

function options() {
  const { quick } = flags();
  const large = {
    articles: envNumber('BENCH_SCALE_ARTICLES', quick ? 10_000 : 100_000, { integer: true }),
    auditEvents: envNumber('BENCH_SCALE_AUDIT_EVENTS', quick ? 100_000 : 1_000_000, { integer: true }),
    contacts: envNumber('BENCH_SCALE_CONTACTS', quick ? 10_000 : 100_000, { integer: true }),
  };
  return {
    quick,
    serverUrl: process.env.BENCH_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432',
    large,
    small: {
      articles: SMALL_ARTICLES,
      auditEvents: Math.round(large.auditEvents / 100),
      contacts: Math.round(large.contacts / 100),
    },
    duration: envNumber('BENCH_SCALE_DURATION', quick ? 1 : 3),
    rounds: envNumber('BENCH_SCALE_ROUNDS', quick ? 3 : 5, { integer: true }),
    connections: envNumber('BENCH_SCALE_CONNECTIONS', 4, { integer: true }),
    timeoutMs: envNumber('BENCH_SCALE_TIMEOUT_MS', 5_000),
    budgetSeconds: envNumber('BENCH_SCALE_BUDGET', 870),
  };
}

const sizeLabel = (size) => `${fmt(size.articles)} articles`;

/** A scratch database with its API instance (no response cache: every request reaches PostgreSQL) and its data. */
async function dataset(opts, name, size) {
  const db = await scratchDatabase(opts.serverUrl, `bench_scale_${name}`);
  const admin = {
    ADMIN_EMAIL: 'bench-admin@wellclinic.example',
    ADMIN_PASSWORD: `Bench-${randomBytes(18).toString('base64url')}`,
  };
  const key = randomBytes(32).toString('base64');
  const server = await startServer('app.mjs', `app (${name})`, {
    env: {
      NODE_ENV: 'production',
      DATABASE_URL: db.url,
      JWT_SECRET: randomBytes(32).toString('hex'),
      DATA_ENCRYPTION_KEY: key,
      LOG_LEVEL: 'warn',
      DB_SEED_ON_START: 'false',
      RESPONSE_CACHE_TTL_MS: '0',
      RATE_LIMIT_GENERAL_LIMIT: '100000',
      RATE_LIMIT_GENERAL_WINDOW_SECONDS: '1',
      // The bench's admin signs in with its password alone (production requires a second factor of admins): the
      // sign-in is not what is measured.
      MFA_REQUIRED_ROLES: '',
      PUBLIC_SITE_URL: SITE_URL,
      ...admin,
    },
  });
  console.log(`${name}: database ${db.name}`);
  const articles = await loadArticles(db.url, {
    count: size.articles,
    plant: true,
    connections: size.articles >= 20_000 ? 2 : 1,
    log: (line) => console.log(`${name}: ${line}`),
  });
  await loadAuditEvents(db.url, { count: size.auditEvents, log: (line) => console.log(`${name}: ${line}`) });
  await loadContactRequests(db.url, {
    count: size.contacts,
    encryptionKey: key,
    log: (line) => console.log(`${name}: ${line}`),
  });
  const signIn = await rawRequest(`${server.url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: admin.ADMIN_EMAIL, password: admin.ADMIN_PASSWORD }),
  });
  if (signIn.status !== 200) throw new Error(`${name}: sign-in answered ${signIn.status}`);
  const auth = { authorization: `Bearer ${JSON.parse(signIn.body).accessToken}` };
  return { name, size, server, articles, auth };
}

/**
 * One request per workload before measuring: a wrong answer is a broken load (fatal); a slow one is a finding
 * (noted; the workload still runs and reports its timeouts).
 */
async function preflight(set, opts) {
  const get = async (path, headers = {}) => {
    const started = performance.now();
    const response = await Promise.race([
      rawRequest(`${set.server.url}${path}`, { headers: { ...headers, accept: 'application/json' } }),
      new Promise((resolve) => setTimeout(() => resolve({ status: 'timeout' }), opts.timeoutMs)),
    ]);
    const ms = performance.now() - started;
    if (response.status !== 200) {
      console.log(`${set.name}: preflight ${path} answered ${response.status} after ${fmt(ms)} ms`);
      return undefined;
    }
    return JSON.parse(response.body.toString('utf8'));
  };
  const list = await get(`${LIST}?page=1&pageSize=20`);
  if (list?.meta?.total !== set.articles.published) {
    throw new Error(
      `${set.name}: the API lists ${list?.meta?.total} articles, expected ${set.articles.published}: if meta.total ` +
        'now comes from a table the loader does not fill, adapt bench/articles-data.mjs',
    );
  }
  const searches = [
    [COMMON_WORD, set.articles.commonPublished],
    [RARE_WORD, set.articles.rarePublished],
  ];
  for (const [word, expected] of searches) {
    const found = await get(`${LIST}?q=${word}`);
    if (found === undefined) continue;
    const total = found.meta?.total;
    // Search totals may be capped (meta.totalIsLowerBound), never larger than what matches.
    if (total === expected || (found.meta?.totalIsLowerBound === true && total <= expected)) continue;
    // A finding about the API, not a broken load: say so and measure anyway.
    console.warn(`warning: ${set.name}: ?q=${word} found ${total} articles, expected ${expected}`);
  }
  for (const path of [
    `${LIST}?tag=${TAG}`,
    `${LIST}/${set.articles.detailSlugs[0]}`,
    `/api/v1/admin/audit-events?entityType=${COMMON_ENTITY}`,
    `/api/v1/admin/audit-events?entityType=${RARE_ENTITY}`,
    `/api/v1/admin/contact-requests?status=${STATUS_FILTER}`,
  ]) {
    await get(path, path.startsWith('/api/v1/admin') ? set.auth : {});
  }
}

/** The workloads: each compares side B to side A on one latency percentile. */
function workloads(small, large) {
  const both = (path, admin = false) => [
    { label: small.name, set: small, paths: [path], headers: admin ? small.auth : {} },
    { label: large.name, set: large, paths: [path], headers: admin ? large.auth : {} },
  ];
  const detail = (set) => set.articles.detailSlugs.map((slug) => `${LIST}/${slug}`);
  return [
    { name: 'list page 1', sides: both(`${LIST}?page=1&pageSize=20`), metric: 'p50', target: { max: 1.5 } },
    { name: `?tag=${TAG}`, sides: both(`${LIST}?tag=${TAG}&page=1&pageSize=20`), metric: 'p50', target: { max: 2 } },
    { name: `?q=${COMMON_WORD} (a third)`, sides: both(`${LIST}?q=${COMMON_WORD}`), metric: 'p95', target: { max: 3 } },
    { name: `?q=${RARE_WORD} (10 articles)`, sides: both(`${LIST}?q=${RARE_WORD}`), metric: 'p95', target: { max: 3 } },
    {
      name: 'detail by slug',
      sides: [
        { label: small.name, set: small, paths: detail(small), headers: {} },
        { label: large.name, set: large, paths: detail(large), headers: {} },
      ],
      metric: 'p50',
    },
    {
      name: `page 400 vs page 1, ${sizeLabel(large.size)}`,
      sides: [
        { label: 'page 1', set: large, paths: [`${LIST}?page=1&pageSize=20`], headers: {} },
        { label: 'page 400', set: large, paths: [`${LIST}?page=400&pageSize=20`], headers: {} },
      ],
      metric: 'p50',
      target: { max: 2 },
      needs: () => large.articles.published >= 400 * 20,
    },
    {
      name: `audit events ?entityType=${COMMON_ENTITY} (50 %)`,
      sides: both(`/api/v1/admin/audit-events?entityType=${COMMON_ENTITY}`, true),
      metric: 'p95',
      target: { max: 3 },
    },
    {
      name: `audit events ?entityType=${RARE_ENTITY} (1 %)`,
      sides: both(`/api/v1/admin/audit-events?entityType=${RARE_ENTITY}`, true),
      metric: 'p95',
      target: { max: 3 },
    },
    {
      name: `contact requests ?status=${STATUS_FILTER} (5 %)`,
      sides: both(`/api/v1/admin/contact-requests?status=${STATUS_FILTER}`, true),
      metric: 'p95',
      target: { max: 3 },
    },
  ];
}

/** `503×4 504×1`: the counts under `key` of every run, added up. */
function merged(runs, key) {
  const all = {};
  for (const r of runs) for (const [name, n] of Object.entries(r[key])) all[name] = (all[name] ?? 0) + n;
  return Object.entries(all).map(([name, n]) => `${name}×${n}`);
}

/** How long a workload takes when nothing times out: its warm-ups and rounds. */
const expectedSeconds = (workload, opts) =>
  workload.sides.length * (Math.min(1, opts.duration) + opts.rounds * opts.duration);

async function measure(workload, opts) {
  const once = (side, seconds) =>
    latencyRun(
      side.set.server.url,
      { paths: side.paths, headers: { ...BROWSER_HEADERS, ...side.headers } },
      { seconds, connections: opts.connections, timeoutMs: opts.timeoutMs },
    );
  // Warm-up: JIT, plans, PostgreSQL's buffers.
  for (const side of workload.sides) await once(side, Math.min(1, opts.duration));
  const runs = workload.sides.map(() => []);
  for (let round = 0; round < opts.rounds; round++) {
    for (const [i, side] of workload.sides.entries()) runs[i].push(await once(side, opts.duration));
  }
  const [a, b] = runs;
  const verdict = roundRatios(b, a, (rb, ra) => rb[workload.metric] / ra[workload.metric]);
  const side = (label, sideRuns) => ({
    label,
    p50: median(sideRuns.map((r) => r.p50)),
    p95: median(sideRuns.map((r) => r.p95)),
    count: sideRuns.reduce((n, r) => n + r.count, 0),
    timeouts: sideRuns.reduce((n, r) => n + r.timeouts, 0),
    failed: sideRuns.reduce((n, r) => n + r.failed, 0),
    errors: sideRuns.reduce((n, r) => n + r.errors, 0),
    statuses: merged(sideRuns, 'failures'),
    errorCodes: merged(sideRuns, 'errorCodes'),
  });
  const result = { ...workload, a: side(workload.sides[0].label, a), b: side(workload.sides[1].label, b), verdict };
  console.log(
    `  ${workload.name}: ${result.a.label} p50 ${fmt(result.a.p50, 1)} p95 ${fmt(result.a.p95, 1)} ms; ` +
      `${result.b.label} p50 ${fmt(result.b.p50, 1)} p95 ${fmt(result.b.p95, 1)} ms; ` +
      `${workload.metric} ratios ${verdict.ratios.map((r) => fmt(r, 2)).join(', ')}`,
  );
  return result;
}

function printResults(results) {
  const rows = results.map((r) => {
    if (r.skipped) return [r.name, '', '', '', '', '', '', '', '', '', `skipped: ${r.skipped}`];
    const check = targetCheck(r.verdict.median, r.target);
    const problems = [r.a, r.b]
      .filter((s) => s.timeouts + s.failed + s.errors > 0)
      .map((s) => {
        const statuses = s.statuses.length > 0 ? ` (${s.statuses.join(' ')})` : '';
        const codes = s.errorCodes.length > 0 ? ` (${s.errorCodes.join(' ')})` : '';
        return `${s.label}: ${s.timeouts} timeouts, ${s.failed} non-200${statuses}, ${s.errors} connection errors${codes} of ${s.count}`;
      });
    return [
      r.name,
      r.a.label,
      fmt(r.a.p50, 1),
      fmt(r.a.p95, 1),
      r.b.label,
      fmt(r.b.p50, 1),
      fmt(r.b.p95, 1),
      `${r.metric} ${fmt(r.verdict.median, 2)}`,
      `${fmt(r.verdict.min, 2)}–${fmt(r.verdict.max, 2)}`,
      check.text,
      problems.length > 0 ? `TIMEOUTS ${problems.join('; ')}` : check.result,
    ];
  });
  printTable(
    ['workload', 'A', 'p50 ms', 'p95 ms', 'B', 'p50 ms', 'p95 ms', 'B ÷ A', 'min–max', 'target', 'result'],
    rows,
    new Set([2, 3, 5, 6]),
  );
  console.log(
    'p50, p95: medians over the rounds of each run’s percentile (requests that timed out count as the timeout);',
  );
  console.log('B ÷ A: the median of the per-round ratios of the named percentile, min–max their spread.');
}

async function main() {
  const opts = options();
  const started = Date.now();
  if (opts.rounds < 5)
    console.log(`note: ${opts.rounds} rounds: a check of the bench, not a verdict (verdicts need at least 5)\n`);
  const small = await dataset(opts, 'small', opts.small);
  const large = await dataset(opts, 'large', opts.large);
  await preflight(small, opts);
  await preflight(large, opts);
  const before = await Promise.all([small.server, large.server].map(rss));
  console.log(machineLine());
  console.log(
    `PostgreSQL ${await postgresVersion(opts.serverUrl)}; small: ${sizeLabel(opts.small)}, ${fmt(opts.small.auditEvents)} audit events, ` +
      `${fmt(opts.small.contacts)} contact requests; large: ${sizeLabel(opts.large)}, ${fmt(opts.large.auditEvents)} audit events, ` +
      `${fmt(opts.large.contacts)} contact requests; ${opts.connections} connections, ${opts.duration} s per run, ` +
      `${opts.rounds} alternated rounds, timeout ${fmt(opts.timeoutMs)} ms; loaded in ${fmt((Date.now() - started) / 1000)} s`,
  );
  console.log('');

  const results = [];
  for (const workload of workloads(small, large)) {
    if (workload.needs && !workload.needs()) {
      results.push({ name: workload.name, skipped: 'too few articles' });
    } else if ((Date.now() - started) / 1000 + expectedSeconds(workload, opts) > opts.budgetSeconds) {
      results.push({ name: workload.name, skipped: `would end past the ${opts.budgetSeconds} s budget` });
    } else {
      results.push(await measure(workload, opts));
    }
  }
  const after = await Promise.all([small.server, large.server].map(rss));

  console.log('');
  printResults(results);
  console.log('');
  printTable(
    ['server', 'RSS before load', 'after load', 'peak'],
    [small, large].map((set, i) => [
      `${set.server.label}, ${sizeLabel(set.size)}`,
      `${fmt(before[i].now)} MiB`,
      `${fmt(after[i].now)} MiB`,
      `${fmt(after[i].peak)} MiB`,
    ]),
    new Set([1, 2, 3]),
  );
  console.log('');
  const missed = results.filter((r) => !r.skipped && targetCheck(r.verdict.median, r.target).result === 'FAIL');
  const timedOut = results.filter(
    (r) => !r.skipped && [r.a, r.b].some((side) => side.timeouts + side.failed + side.errors > 0),
  );
  console.log(
    `${missed.length} target(s) missed, ${timedOut.length} workload(s) with timeouts or failures; ` +
      `total ${fmt((Date.now() - started) / 1000)} s`,
  );
  return 0;
}

await run(main);
