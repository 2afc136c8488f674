// `npm run bench`: the public article reads of the built API (dist/) against two baselines, on PostgreSQL
// with 10,000 generated articles (9,000 published). See bench/README.md for what is measured and how.
//
// Environment: BENCH_DATABASE_URL  server to create the scratch database on (postgres://postgres@127.0.0.1:5432)
//              BENCH_DURATION      seconds per measured run (10)
//              BENCH_WARMUP        seconds of warm-up per server and workload (8: JIT and Postgres caches settle)
//              BENCH_CONNECTIONS   concurrent connections (20)
//              BENCH_ROUNDS        alternating rounds per server and workload (3)
//              BENCH_POOL_MAX      pool size of the API and of the bare pg baseline (10)
//              BENCH_WORKLOADS     comma-separated subset to run: list,detail,cached200,cached304,deep (all)
import autocannon from 'autocannon';
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { isDeepStrictEqual } from 'node:util';
import { renderBody } from '../dist/src/articles/markdown.js';
import { databaseUrl, dropDatabase, startServer, stopServers, withClient } from './lib.mjs';

const SERVER_URL = process.env.BENCH_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432';
const DURATION = positiveNumber('BENCH_DURATION', 10);
const WARMUP = positiveNumber('BENCH_WARMUP', 8, true);
const CONNECTIONS = positiveNumber('BENCH_CONNECTIONS', 20);
const ROUNDS = positiveNumber('BENCH_ROUNDS', 3);
const POOL_MAX = positiveNumber('BENCH_POOL_MAX', 10);
const ALL_WORKLOADS = ['list', 'detail', 'cached200', 'cached304', 'deep'];
const WORKLOADS = workloads(process.env.BENCH_WORKLOADS);

const ARTICLES = 10_000;
const PUBLISHED = 9_000;
const DISTINCT_BODIES = 40;
const DETAIL_SLUGS = 2_000;
const SITE_URL = 'https://wellclinic.example';
const LIST = '/api/v1/articles';

function positiveNumber(name, fallback, zeroAllowed = false) {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0 || (value === 0 && !zeroAllowed)) {
    throw new Error(`${name} must be a ${zeroAllowed ? 'non-negative' : 'positive'} number, got "${raw}"`);
  }
  return value;
}

function workloads(raw) {
  if (raw === undefined || raw.trim() === '') return new Set(ALL_WORKLOADS);
  const names = raw.split(',').map((name) => name.trim());
  const unknown = names.filter((name) => !ALL_WORKLOADS.includes(name));
  if (unknown.length > 0) throw new Error(`BENCH_WORKLOADS: unknown ${unknown.join(', ')}; known: ${ALL_WORKLOADS}`);
  return new Set(names);
}

// ---------------------------------------------------------------------------------------------------------
// Scratch database

// ---------------------------------------------------------------------------------------------------------
// Generated articles

/** Deterministic pseudo-random numbers (mulberry32): every run loads the same articles. */
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const random = prng(20_240_611);
const pick = (items) => items[Math.floor(random() * items.length)];
const between = (min, max) => min + Math.floor(random() * (max - min + 1));
function sample(items, count) {
  const pool = [...items];
  const out = [];
  while (out.length < count && pool.length > 0) out.push(pool.splice(Math.floor(random() * pool.length), 1)[0]);
  return out;
}

const TAGS = [
  'anxiety',
  'depression',
  'self-compassion',
  'mindfulness',
  'couples-therapy',
  'grief',
  'trauma',
  'ptsd',
  'sleep',
  'stress',
  'burnout',
  'parenting',
  'adolescents',
  'relationships',
  'boundaries',
  'self-esteem',
  'ocd',
  'adhd',
  'emdr',
  'cbt',
  'dbt',
  'family-therapy',
  'life-transitions',
  'panic',
  'social-anxiety',
  'perinatal',
  'lgbtq',
  'eating-disorders',
  'workplace',
  'resilience',
];

const AUTHORS = [
  ['Maya Reyes', 'LMFT'],
  ['Daniel Okafor', 'PsyD'],
  ['Priya Natarajan', 'LCSW'],
  ['Hannah Lindqvist', 'LPCC'],
  ['Jonah Feldman', 'PhD'],
  ['Well Clinic Team', null],
  ['Amara Mensah', 'LMFT'],
  ['Lucas Moreau', 'LCSW'],
];

const REVIEWERS = ['Dr. Elena Park, MD', 'Dr. Samuel Achebe, PhD', 'Rachel Gold, LMFT'];

const TITLE_OPENERS = [
  'Understanding',
  'A Gentle Guide to',
  'Five Myths About',
  'What to Know About',
  'Living With',
  'Talking to Your Partner About',
  'Small Daily Habits for',
  'When to Seek Help for',
  'The Science Behind',
  'Questions Clients Ask About',
];

const TITLE_TOPICS = [
  'Self-Compassion',
  'Everyday Anxiety',
  'Grief After a Loss',
  'Burnout at Work',
  'Sleep and Mood',
  'Setting Boundaries',
  'Panic Attacks',
  'Parenting Teenagers',
  'Couples Conflict',
  'Perfectionism',
  'Social Anxiety',
  'Trauma Recovery',
  'Postpartum Mood Changes',
  'Life Transitions',
  'Loneliness',
  'Intrusive Thoughts',
];

const HEADINGS = [
  'Understanding Self-Compassion',
  'Practical Strategies',
  'The Components of Self-Compassion',
  'Overcoming Obstacles',
  'What the Research Says',
  'How Therapy Can Help',
  'Signs It Is Time to Reach Out',
  'Building a Daily Practice',
  'Supporting Someone You Love',
  'Common Misconceptions',
  'Questions to Ask Yourself',
  'Putting It Together',
];

const SUBHEADINGS = ['Start small', 'Notice the inner critic', 'Talk to yourself like a friend', 'Make room for rest'];

const SENTENCES = [
  'Many of the people we work with describe a voice that is quick to criticize and slow to forgive.',
  'Self-compassion is not self-pity, and it is not an excuse to avoid responsibility.',
  'Research over the past two decades links self-kindness with lower anxiety and more stable moods.',
  'When we treat our mistakes as part of being human, we recover from them faster.',
  'It can help to notice the physical signs of stress before they turn into a spiral of worry.',
  'Therapy offers a space where these patterns can be named without judgment.',
  'Small, repeated practices tend to matter more than occasional grand gestures.',
  'Sleep, movement and connection remain some of the most reliable supports for mental health.',
  'Avoidance often brings short-term relief and long-term cost.',
  'A skilled clinician can help you tell the difference between a rough week and something more persistent.',
  'Couples frequently find that the argument on the surface is rarely the argument underneath.',
  'Grief does not move in tidy stages, and there is no deadline for feeling better.',
  'Children learn how to handle big feelings largely by watching the adults around them.',
  'Naming an emotion out loud can make it feel more manageable.',
  'Perfectionism can look like high standards while quietly feeding exhaustion and shame.',
  'Mindfulness is simply the practice of paying attention to the present moment on purpose.',
  'Cognitive behavioral therapy helps people notice and test the thoughts that drive distress.',
  'Progress is rarely a straight line, and setbacks are part of the work.',
  'Asking for help is a skill, and like any skill it gets easier with practice.',
  'Boundaries are not walls; they are information about what you need to stay well.',
  'If you are in crisis, call or text 988 to reach the Suicide and Crisis Lifeline.',
  'The goal is not to never feel anxious but to feel able to cope when anxiety shows up.',
  'Writing down three things that went well each evening is a simple, well-studied exercise.',
  'Our clinicians tailor these approaches to each person’s history, culture and goals.',
];

function paragraph(min = 4, max = 7) {
  return Array.from({ length: between(min, max) }, () => pick(SENTENCES)).join(' ');
}

/** ~800–1500 words of Markdown: an introduction, then headed sections with lists, quotes and subsections. */
function markdownBody() {
  const target = between(800, 1500);
  const parts = [paragraph(), paragraph(3, 5)];
  let words = parts.join(' ').split(/\s+/).length;
  const headings = sample(HEADINGS, HEADINGS.length);
  let section = 0;
  while (words < target) {
    const block = [`## ${headings[section % headings.length]}${section >= headings.length ? ` (${section})` : ''}`];
    block.push(paragraph());
    if (section % 3 === 1) {
      block.push(
        Array.from({ length: between(3, 5) }, () => `- **${pick(SUBHEADINGS)}.** ${pick(SENTENCES)}`).join('\n'),
      );
    }
    if (section % 4 === 2) block.push(`> ${pick(SENTENCES)}`);
    if (section % 3 === 2) block.push(`### ${pick(SUBHEADINGS)}`, paragraph(3, 5));
    block.push(paragraph(3, 6));
    if (section === 0)
      block.push(`Read more on the [Well Clinic website](${SITE_URL}/articles) or call our front desk.`);
    parts.push(...block);
    words += block.join(' ').split(/\s+/).length;
    section++;
  }
  return parts.join('\n\n');
}

const kebab = (text) =>
  text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');

/** The rows as column arrays, ready for `unnest`. */
function generateArticles(now) {
  const FIVE_YEARS = 5 * 365 * 24 * 3600 * 1000;
  const columns = {
    slug: [],
    title: [],
    bodyIndex: [],
    tags: [],
    coverUrl: [],
    coverAlt: [],
    authorName: [],
    authorCredentials: [],
    reviewedBy: [],
    reviewedAt: [],
    status: [],
    publishedAt: [],
    createdAt: [],
    updatedAt: [],
  };
  for (let i = 0; i < ARTICLES; i++) {
    const published = i < PUBLISHED;
    const title = `${pick(TITLE_OPENERS)} ${pick(TITLE_TOPICS)}`;
    const slug = `${kebab(title)}-${i + 1}`;
    const publishedAt = published ? new Date(now - 60_000 - Math.floor(random() * FIVE_YEARS)) : null;
    const createdAt = new Date(
      (publishedAt ?? new Date(now - Math.floor(random() * FIVE_YEARS))).getTime() - 86_400_000 * between(1, 20),
    );
    const [authorName, authorCredentials] = pick(AUTHORS);
    const reviewed = published && random() < 0.3;
    columns.slug.push(slug);
    columns.title.push(title);
    columns.bodyIndex.push(i % DISTINCT_BODIES);
    columns.tags.push(sample(TAGS, between(1, 4)).join(','));
    columns.coverUrl.push(random() < 0.6 ? `https://images.wellclinic.example/articles/${slug}.jpg` : null);
    columns.coverAlt.push(columns.coverUrl[i] ? `Illustration for “${title}”` : null);
    columns.authorName.push(authorName);
    columns.authorCredentials.push(authorCredentials);
    columns.reviewedBy.push(reviewed ? pick(REVIEWERS) : null);
    columns.reviewedAt.push(reviewed ? publishedAt.toISOString().slice(0, 10) : null);
    columns.status.push(published ? 'published' : 'draft');
    columns.publishedAt.push(publishedAt?.toISOString() ?? null);
    columns.createdAt.push(createdAt.toISOString());
    columns.updatedAt.push((publishedAt ?? createdAt).toISOString());
  }
  return columns;
}

async function loadArticles(url) {
  const started = Date.now();
  const bodies = Array.from({ length: DISTINCT_BODIES }, () => {
    const body = markdownBody();
    return { body, ...renderBody(body) };
  });
  const columns = generateArticles(Date.now());
  await withClient(url, async (client) => {
    await client.query(
      'CREATE TEMP TABLE bench_bodies (idx int PRIMARY KEY, body text, body_html text, body_text text, toc jsonb, word_count int, reading_time_minutes int, excerpt text)',
    );
    await client.query(
      'INSERT INTO bench_bodies SELECT * FROM unnest($1::int[], $2::text[], $3::text[], $4::text[], $5::jsonb[], $6::int[], $7::int[], $8::text[])',
      [
        bodies.map((_, i) => i),
        bodies.map((b) => b.body),
        bodies.map((b) => b.html),
        bodies.map((b) => b.text),
        bodies.map((b) => JSON.stringify(b.toc)),
        bodies.map((b) => b.wordCount),
        bodies.map((b) => b.readingTimeMinutes),
        bodies.map((b) => b.excerpt),
      ],
    );
    const BATCH = 1_000;
    for (let start = 0; start < ARTICLES; start += BATCH) {
      const slice = (values) => values.slice(start, start + BATCH);
      await client.query(
        `INSERT INTO articles (slug, title, excerpt, body, body_html, body_text, toc, word_count, reading_time_minutes, tags,
           cover_image_url, cover_image_alt, author_name, author_credentials, reviewed_by, reviewed_at, status,
           published_at, created_at, updated_at)
         SELECT u.slug, u.title, b.excerpt, b.body, b.body_html, b.body_text, b.toc, b.word_count, b.reading_time_minutes,
           string_to_array(u.tags, ','), u.cover_url, u.cover_alt, u.author_name, u.author_credentials, u.reviewed_by,
           u.reviewed_at, u.status::article_status, u.published_at, u.created_at, u.updated_at
         FROM unnest($1::text[], $2::text[], $3::int[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[],
           $9::text[], $10::date[], $11::text[], $12::timestamptz[], $13::timestamptz[], $14::timestamptz[])
           AS u(slug, title, body_idx, tags, cover_url, cover_alt, author_name, author_credentials, reviewed_by,
             reviewed_at, status, published_at, created_at, updated_at)
         JOIN bench_bodies b ON b.idx = u.body_idx`,
        [
          slice(columns.slug),
          slice(columns.title),
          slice(columns.bodyIndex),
          slice(columns.tags),
          slice(columns.coverUrl),
          slice(columns.coverAlt),
          slice(columns.authorName),
          slice(columns.authorCredentials),
          slice(columns.reviewedBy),
          slice(columns.reviewedAt),
          slice(columns.status),
          slice(columns.publishedAt),
          slice(columns.createdAt),
          slice(columns.updatedAt),
        ],
      );
    }
    await client.query('VACUUM ANALYZE articles');
  });
  const words = bodies.map((b) => b.wordCount);
  console.log(
    `loaded ${ARTICLES} articles (${PUBLISHED} published; ${DISTINCT_BODIES} distinct bodies of ` +
      `${Math.min(...words)}–${Math.max(...words)} words) in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
  // Slugs for the detail workload: published ones, spread over the whole table.
  const step = Math.floor(PUBLISHED / DETAIL_SLUGS);
  return Array.from({ length: DETAIL_SLUGS }, (_, i) => columns.slug[i * step]);
}

// ---------------------------------------------------------------------------------------------------------
// Servers, each in its own process

// ---------------------------------------------------------------------------------------------------------
// Load generation

async function get(base, path, headers = {}) {
  const response = await fetch(`${base}${path}`, { headers });
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, json: () => JSON.parse(text) };
}

async function expectStatus(base, path, status, headers) {
  const response = await get(base, path, headers);
  if (response.status !== status) {
    throw new Error(
      `GET ${base}${path} answered ${response.status}, expected ${status}: ${response.text.slice(0, 500)}`,
    );
  }
  return response;
}

/**
 * One autocannon run. `target` is { url, path, headers?, paths? } (`paths`: rotate over these). Throws
 * when any response has another status than `status`, or on connection errors and timeouts.
 */
async function cannon(server, target, seconds) {
  let next = 0;
  const requests = target.paths
    ? [
        {
          method: 'GET',
          setupRequest: (request) => ({ ...request, path: target.paths[next++ % target.paths.length] }),
        },
      ]
    : undefined;
  const cpuBefore = await server.cpu();
  const result = await autocannon({
    url: `${server.url}${target.path}`,
    connections: CONNECTIONS,
    pipelining: 1,
    duration: seconds,
    headers: target.headers ?? {},
    requests,
  });
  const statuses = Object.entries(result.statusCodeStats ?? {}).map(([code, { count }]) => [Number(code), count]);
  const wrong = statuses.filter(([code]) => code !== target.status);
  if (result.errors > 0 || result.timeouts > 0 || wrong.length > 0 || result.requests.total === 0) {
    throw new Error(
      `${server.label} GET ${target.path}: expected only ${target.status}, got ` +
        `${JSON.stringify(Object.fromEntries(statuses))}, ${result.errors} errors, ${result.timeouts} timeouts`,
    );
  }
  const cpu = (await server.cpu()) - cpuBefore;
  return {
    rps: result.requests.total / result.duration,
    p99: result.latency.p99,
    total: result.requests.total,
    // Share of one core the server process used during the run (its event loop is one thread).
    cpu: cpu / 1e6 / result.duration,
  };
}

/**
 * Warms every (server, target) up, then runs them in turn, ROUNDS times (a, b, a, b, …), so that a noisy
 * neighbour hurts both sides alike. Keeps each one's best run (highest req/s) and its p99.
 */
async function alternate(name, entries) {
  if (WARMUP > 0) for (const { server, target } of entries) await cannon(server, target, WARMUP);
  const runs = entries.map(() => []);
  for (let round = 0; round < ROUNDS; round++) {
    for (const [i, { server, target }] of entries.entries()) runs[i].push(await cannon(server, target, DURATION));
  }
  const summary = entries.map((entry, i) => {
    const best = runs[i].reduce((a, b) => (b.rps > a.rps ? b : a));
    return { ...entry, best, all: runs[i].map((r) => Math.round(r.rps)) };
  });
  for (const s of summary) {
    console.log(
      `  ${name} · ${s.label}: ${s.all.join(', ')} req/s (best run: server process at ${fmt(s.best.cpu * 100)} % of a core)`,
    );
  }
  return summary;
}

// ---------------------------------------------------------------------------------------------------------
// Main

const dbName = `bench_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
let dbCreated = false;

async function cleanup() {
  await stopServers().catch((error) => console.error('stopping the servers failed:', error));
  if (dbCreated) {
    await dropDatabase(SERVER_URL, dbName).then(
      () => console.log(`dropped database ${dbName}`),
      (error) => console.error(`could not drop database ${dbName}:`, error),
    );
    dbCreated = false;
  }
}

let interrupted = false;
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    if (interrupted) return;
    interrupted = true;
    console.error(`\n${signal}: stopping`);
    void cleanup().finally(() => process.exit(130));
  });
}

function machineInfo(postgresVersion) {
  const cpus = os.cpus();
  return [
    `machine: ${cpus.length} × ${cpus[0]?.model ?? 'unknown CPU'}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB, ` +
      `${os.type()} ${os.release()}, load average ${os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
    `node ${process.version}, PostgreSQL ${postgresVersion}, autocannon ${CONNECTIONS} connections, pipelining 1, ` +
      `${DURATION} s per run after ${WARMUP} s warm-up, ${ROUNDS} alternating rounds (best run reported), pool ${POOL_MAX}`,
  ].join('\n');
}

const fmt = (n, digits = 0) =>
  n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

function printTable(lines) {
  const header = ['workload', 'server', 'req/s', 'p99 ms', 'cpu %', 'vs', 'ratio', 'target', 'result'];
  const rows = [];
  for (const line of lines) {
    rows.push([
      line.workload,
      line.subject.label,
      fmt(line.subject.best.rps),
      fmt(line.subject.best.p99),
      fmt(line.subject.best.cpu * 100),
      line.baseline.label,
      fmt(line.ratio, 2),
      line.target === undefined ? '—' : `≥ ${fmt(line.target, 2)}`,
      line.target === undefined ? 'info' : line.ratio >= line.target ? 'PASS' : 'FAIL',
    ]);
    if (line.showBaseline) {
      rows.push([
        '',
        line.baseline.label,
        fmt(line.baseline.best.rps),
        fmt(line.baseline.best.p99),
        fmt(line.baseline.best.cpu * 100),
        '',
        '',
        '',
        '',
      ]);
    }
  }
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const numeric = new Set([2, 3, 4, 6]);
  const format = (row) =>
    row
      .map((cell, i) => (numeric.has(i) ? cell.padStart(widths[i]) : cell.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  console.log(format(header));
  console.log(widths.map((w) => '─'.repeat(w)).join('  '));
  for (const row of rows) console.log(format(row));
}

async function main() {
  const postgresVersion = await withClient(SERVER_URL, async (client) => {
    const version = (await client.query('SHOW server_version')).rows[0].server_version;
    await client.query(`CREATE DATABASE "${dbName}"`);
    return version;
  });
  dbCreated = true;
  const url = databaseUrl(SERVER_URL, dbName);
  console.log(`database ${dbName} on ${new URL(SERVER_URL).host}`);

  const appEnv = (responseCacheTtlMs) => ({
    NODE_ENV: 'production',
    DATABASE_URL: url,
    JWT_SECRET: randomBytes(32).toString('hex'),
    DATA_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    LOG_LEVEL: 'warn',
    DB_SEED_ON_START: 'false',
    DB_POOL_MAX: String(POOL_MAX),
    RATE_LIMIT_GENERAL_LIMIT: '100000',
    RATE_LIMIT_GENERAL_WINDOW_SECONDS: '1',
    PUBLIC_SITE_URL: SITE_URL,
    ...(responseCacheTtlMs === undefined ? {} : { RESPONSE_CACHE_TTL_MS: String(responseCacheTtlMs) }),
  });

  // The first instance migrates the empty database; the articles go in afterwards.
  const app = await startServer('app.mjs', 'app', { env: appEnv(0) });
  const slugs = await loadArticles(url);
  const [appCached, barePg] = await Promise.all([
    startServer('app.mjs', 'app (cache on)', { env: appEnv(undefined) }),
    startServer('bare-pg.mjs', 'bare fastify+pg', {
      databaseUrl: url,
      poolMax: POOL_MAX,
      statementTimeoutMs: 15_000,
      siteUrl: SITE_URL,
    }),
  ]);

  // Preflight: every URL answers as expected, and the baseline answers what the API answers.
  const page1 = `${LIST}?page=1&pageSize=20`;
  const page400 = `${LIST}?page=400&pageSize=20`;
  const appList = (await expectStatus(app.url, page1, 200)).json();
  const bareList = (await expectStatus(barePg.url, page1, 200)).json();
  if (appList.meta?.total !== PUBLISHED)
    throw new Error(`the API lists ${appList.meta?.total} articles, expected ${PUBLISHED}`);
  if (!isDeepStrictEqual(appList, bareList)) {
    console.warn('warning: the bare pg list differs from the API’s:', firstDifference(appList, bareList));
  }
  const appDetail = (await expectStatus(app.url, `${LIST}/${slugs[7]}`, 200)).json();
  const bareDetail = (await expectStatus(barePg.url, `${LIST}/${slugs[7]}`, 200)).json();
  if (!isDeepStrictEqual(appDetail, bareDetail)) {
    console.warn('warning: the bare pg detail differs from the API’s:', firstDifference(appDetail, bareDetail));
  }
  const before400 = (await expectStatus(app.url, `${LIST}?page=399&pageSize=20`, 200)).json();
  const cursor = before400.meta?.nextCursor;
  if (typeof cursor !== 'string') throw new Error('page 399 carries no meta.nextCursor');
  const cursor400 = `${LIST}?cursor=${encodeURIComponent(cursor)}&pageSize=20`;
  const byOffset = (await expectStatus(app.url, page400, 200)).json();
  const byCursor = (await expectStatus(app.url, cursor400, 200)).json();
  if (!isDeepStrictEqual(byOffset.data, byCursor.data) || byCursor.meta.page !== 400) {
    throw new Error('page 400 by cursor differs from page 400 by offset');
  }

  // The cached read: what the API answers from its response cache, and the same bytes from a bare server.
  await expectStatus(appCached.url, page1, 200);
  const cachedHit = await expectStatus(appCached.url, page1, 200);
  const etag = cachedHit.headers.get('etag');
  if (!etag) throw new Error('the cached list answered without an ETag');
  if (cachedHit.headers.get('x-cache') !== 'HIT') console.warn('warning: the second list request was not a cache HIT');
  await expectStatus(appCached.url, page1, 304, { 'if-none-match': etag });
  const bareBytes = await startServer('bare-bytes.mjs', 'bare fastify bytes', {
    path: LIST,
    body: cachedHit.text,
    etag,
    contentType: cachedHit.headers.get('content-type'),
  });
  await expectStatus(bareBytes.url, page1, 200);
  await expectStatus(bareBytes.url, page1, 304, { 'if-none-match': etag });

  console.log(machineInfo(postgresVersion));
  console.log('');

  const list = { path: page1, status: 200 };
  const detailPaths = slugs.map((slug) => `${LIST}/${slug}`);
  const detail = { path: detailPaths[0], paths: detailPaths, status: 200 };
  const revalidate = { path: page1, headers: { 'if-none-match': etag }, status: 304 };
  const lines = [];
  const compare = (workload, [subject, baseline], target, showBaseline = true) =>
    lines.push({ workload, subject, baseline, ratio: subject.best.rps / baseline.best.rps, target, showBaseline });

  if (WORKLOADS.has('list')) {
    compare(
      'list page 1, uncached',
      await alternate('list page 1', [
        { label: 'app', server: app, target: list },
        { label: 'bare fastify+pg', server: barePg, target: list },
      ]),
      0.7,
    );
  }
  if (WORKLOADS.has('detail')) {
    compare(
      'detail by slug, uncached',
      await alternate('detail', [
        { label: 'app', server: app, target: detail },
        { label: 'bare fastify+pg', server: barePg, target: detail },
      ]),
      0.7,
    );
  }
  if (WORKLOADS.has('cached200')) {
    compare(
      'list page 1, cached 200',
      await alternate('cached 200', [
        { label: 'app (cache on)', server: appCached, target: list },
        { label: 'bare fastify bytes', server: bareBytes, target: list },
      ]),
      0.6,
    );
  }
  if (WORKLOADS.has('cached304')) {
    compare(
      'list page 1, cached 304',
      await alternate('cached 304', [
        { label: 'app (cache on)', server: appCached, target: revalidate },
        { label: 'bare fastify bytes', server: bareBytes, target: revalidate },
      ]),
      0.6,
    );
  }
  if (WORKLOADS.has('deep')) {
    const [deepPage1, deepOffset, deepCursor] = await alternate('deep pages', [
      { label: 'app page 1', server: app, target: list },
      { label: 'app page=400', server: app, target: { path: page400, status: 200 } },
      { label: 'app cursor→400', server: app, target: { path: cursor400, status: 200 } },
    ]);
    compare('page 400 (page=400), uncached', [deepOffset, deepPage1], 0.5);
    compare('page 400 (cursor), uncached', [deepCursor, deepPage1], undefined, false);
  }

  console.log('');
  printTable(lines);
  console.log('');
  console.log(
    'req/s, p99 and cpu: the best of the alternating runs of each server; ratio = req/s ÷ the req/s of the line below it;',
  );
  console.log(
    'cpu % = the server process’s CPU time during that run per second (100 % = one core, its event loop busy).',
  );
  const failed = lines.filter((l) => l.target !== undefined && l.ratio < l.target);
  console.log(failed.length === 0 ? 'all targets met' : `${failed.length} target(s) missed`);
}

/** A short description of where two JSON values first differ. */
function firstDifference(a, b, path = '$') {
  if (isDeepStrictEqual(a, b)) return null;
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
      const found = firstDifference(a[key], b[key], `${path}.${key}`);
      if (found) return found;
    }
  }
  return `${path}: ${JSON.stringify(a)?.slice(0, 200)} ≠ ${JSON.stringify(b)?.slice(0, 200)}`;
}

let exitCode = 0;
try {
  await main();
} catch (error) {
  console.error('benchmark failed:', error);
  exitCode = 1;
} finally {
  await cleanup();
}
process.exit(exitCode);
