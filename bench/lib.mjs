// Pieces shared by the benchmarks: options, scratch databases, servers forked into their own processes, load
// generation (autocannon for throughput, a small keep-alive client for latency), the alternated rounds and their
// verdict, and what real clients send.
import autocannon from 'autocannon';
import { execFileSync, fork } from 'node:child_process';
import { once } from 'node:events';
import { readdirSync, readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { isDeepStrictEqual } from 'node:util';
import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';
import pg from 'pg';

// ---------------------------------------------------------------------------------------------------------
// What clients send

/** What a browser's `fetch` (and a server-side renderer's) sends with a JSON read. */
export const BROWSER_HEADERS = Object.freeze({
  accept: 'application/json',
  'accept-encoding': 'gzip, deflate, br',
  'accept-language': 'en-US,en;q=0.9',
  'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36',
});

/** The two ways each read workload is sent: as real clients do, and bare (no headers at all, the old rows). */
export const CLIENTS = Object.freeze({
  browser: { name: 'browser', headers: BROWSER_HEADERS },
  bare: { name: 'no headers', headers: {} },
});

// ---------------------------------------------------------------------------------------------------------
// Options: flags on the command line, numbers in the environment

const FLAGS = ['--quick', '--scale'];

/** `--quick`: short rounds, to check the bench itself; `--scale`: the data-size benchmark. */
export function flags(argv = process.argv.slice(2)) {
  const unknown = argv.filter((arg) => !FLAGS.includes(arg));
  if (unknown.length > 0) throw new Error(`unknown argument(s) ${unknown.join(' ')}; known: ${FLAGS.join(' ')}`);
  return { quick: argv.includes('--quick'), scale: argv.includes('--scale') };
}

/** A number from the environment, or `fallback` (`--quick` passes its own fallbacks). */
export function envNumber(name, fallback, { zeroAllowed = false, integer = false } = {}) {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0 || (value === 0 && !zeroAllowed) || (integer && !Number.isInteger(value))) {
    throw new Error(
      `${name} must be a ${zeroAllowed ? 'non-negative' : 'positive'} ${integer ? 'integer' : 'number'}, got "${raw}"`,
    );
  }
  return value;
}

export function envList(name, known) {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return new Set(known);
  const names = raw.split(',').map((n) => n.trim());
  const unknown = names.filter((n) => !known.includes(n));
  if (unknown.length > 0) throw new Error(`${name}: unknown ${unknown.join(', ')}; known: ${known.join(', ')}`);
  return new Set(names);
}

// ---------------------------------------------------------------------------------------------------------
// Cleanup: everything a run creates is dropped at the end, also on failure and on Ctrl-C

const cleanups = [];

/** Runs at the end, last registered first. */
export function onCleanup(fn) {
  cleanups.push(fn);
}

async function cleanup() {
  await stopServers().catch((error) => console.error('stopping the servers failed:', error));
  while (cleanups.length > 0) {
    const fn = cleanups.pop();
    await fn().catch((error) => console.error('cleanup failed:', error));
  }
}

/** Runs `main`, then cleans up; exit code 1 if it threw, 130 on a signal. A missed target is not an error. */
export async function run(main) {
  let interrupted = false;
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.on(signal, () => {
      if (interrupted) return;
      interrupted = true;
      console.error(`\n${signal}: stopping`);
      void cleanup().finally(() => process.exit(130));
    });
  }
  let exitCode;
  try {
    exitCode = (await main()) ?? 0;
  } catch (error) {
    console.error('benchmark failed:', error);
    exitCode = 1;
  } finally {
    await cleanup();
  }
  process.exit(exitCode);
}

/** A temporary directory removed at the end. */
export function removeAtEnd(dir) {
  onCleanup(() => rm(dir, { recursive: true, force: true }));
}

// ---------------------------------------------------------------------------------------------------------
// Scratch databases

/** The server URL with another database. */
export function databaseUrl(serverUrl, name) {
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

export async function withClient(connectionString, fn) {
  const client = new pg.Client({ connectionString, application_name: 'bench' });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export async function createDatabase(serverUrl, name) {
  await withClient(serverUrl, (client) => client.query(`CREATE DATABASE "${name}"`));
}

export async function dropDatabase(serverUrl, name) {
  await withClient(serverUrl, async (client) => {
    await client.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1', [name]);
    await client.query(`DROP DATABASE IF EXISTS "${name}"`);
  });
}

export const scratchName = (prefix) =>
  `${prefix}_${Date.now().toString(36)}_${Math.random().toString(16).slice(2, 10)}`;

/** Creates `<prefix>_<time>_<random>`, dropped at the end; resolves with its URL. */
export async function scratchDatabase(serverUrl, prefix) {
  const name = scratchName(prefix);
  await createDatabase(serverUrl, name);
  onCleanup(() =>
    dropDatabase(serverUrl, name).then(
      () => console.log(`dropped database ${name}`),
      (error) => console.error(`could not drop database ${name}:`, error),
    ),
  );
  return { name, url: databaseUrl(serverUrl, name) };
}

export async function postgresVersion(serverUrl) {
  return withClient(serverUrl, async (client) => (await client.query('SHOW server_version')).rows[0].server_version);
}

/** `/proc/<pid>/stat` of a process: its name, parent, start time and CPU time so far (clock ticks), or undefined. */
function processStat(pid) {
  let stat;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined; // gone, or no /proc
  }
  const close = stat.lastIndexOf(')');
  // After "pid (comm) " come state (field 3), ppid (4) … utime (14), stime (15) … starttime (22), see proc(5).
  const fields = stat.slice(close + 2).split(' ');
  return {
    comm: stat.slice(stat.indexOf('(') + 1, close),
    ppid: Number(fields[1]),
    ticks: Number(fields[11]) + Number(fields[12]),
    started: fields[19],
  };
}

/**
 * A meter of the CPU time (user + system, µs) the PostgreSQL server at `serverUrl` used, when it runs on this
 * machine and /proc tells (Linux); otherwise undefined. Its processes are found from one of its backends: their
 * postmaster and its children, so another cluster on the machine is not counted. `start()` returns a function that
 * answers the CPU time used since: per process (pid and start time), counting a process started meanwhile from 0.
 * A process that exits meanwhile takes its share with it; both servers measured here keep their pooled connections.
 */
export async function postgresCpuMeter(serverUrl) {
  const { hostname } = new URL(serverUrl);
  if (!['', '127.0.0.1', 'localhost', '[::1]'].includes(hostname)) return undefined;
  let ticksPerSecond;
  let postmaster;
  try {
    ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
    // Read while that backend lives: it exits with its connection.
    const stat = await withClient(serverUrl, async (client) => {
      return processStat((await client.query('SELECT pg_backend_pid() AS pid')).rows[0].pid);
    });
    if (stat?.comm !== 'postgres' || !(ticksPerSecond > 0)) return undefined;
    postmaster = stat.ppid;
  } catch {
    return undefined;
  }
  const sample = () => {
    const ticks = new Map();
    for (const pid of readdirSync('/proc')) {
      if (!/^\d+$/.test(pid)) continue;
      const stat = processStat(pid);
      if (stat === undefined || (Number(pid) !== postmaster && stat.ppid !== postmaster)) continue;
      ticks.set(`${pid}:${stat.started}`, stat.ticks);
    }
    return ticks;
  };
  return {
    start() {
      const before = sample();
      return () => {
        let ticks = 0;
        for (const [process, now] of sample()) ticks += now - (before.get(process) ?? 0);
        return (ticks / ticksPerSecond) * 1e6;
      };
    },
  };
}

// ---------------------------------------------------------------------------------------------------------
// Servers, each in its own process

const children = new Set();
let stopping = false;

/**
 * The process environment the API runs with in production (the Dockerfile, `npm start`, `npm run start:prod`): every
 * server the benchmarks start gets it, baselines included.
 */
export const PRODUCTION_PROCESS_ENV = { MALLOC_TRIM_THRESHOLD_: '131072' };

/**
 * Forks bench/servers/<file>, sends it its options and resolves with its base URL once it listens. With
 * BENCH_PROFILE_DIR set, every server writes a V8 CPU profile there when it stops (open it in Chrome's
 * DevTools or speedscope): the way to see where a server's time goes.
 */
export async function startServer(file, label, options) {
  const profileDir = process.env.BENCH_PROFILE_DIR;
  const child = fork(new URL(`./servers/${file}`, import.meta.url), [], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    env: { ...process.env, ...PRODUCTION_PROCESS_ENV },
    execArgv: profileDir
      ? [
          ...process.execArgv,
          '--cpu-prof',
          `--cpu-prof-dir=${profileDir}`,
          `--cpu-prof-name=${file}.${Date.now()}.cpuprofile`,
        ]
      : process.execArgv,
  });
  children.add(child);
  child.once('exit', () => children.delete(child));
  child.send({ type: 'start', options });
  const port = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${label} did not start within 180 s`)), 180_000);
    child.on('message', (message) => {
      if (message?.type === 'ready') {
        clearTimeout(timer);
        resolve(message.port);
      } else if (message?.type === 'failed') {
        clearTimeout(timer);
        reject(new Error(`${label} failed to start:\n${message.message}`));
      }
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${label} exited during startup (code ${code}, signal ${signal})`));
    });
  });
  let expectedExit = false;
  child.on('exit', (code, signal) => {
    if (!stopping && !expectedExit) console.error(`${label} exited unexpectedly (code ${code}, signal ${signal})`);
  });
  return {
    label,
    url: `http://127.0.0.1:${port}`,
    child,
    cpu: async () => (await ask(child, 'cpu')).usage,
    memory: () => ask(child, 'memory'),
    stop: async () => {
      expectedExit = true;
      await stopChild(child);
    },
  };
}

/** One request/answer over the IPC channel (see servers/child.mjs). */
function ask(child, type) {
  return new Promise((resolve) => {
    const listener = (message) => {
      if (message?.type !== type) return;
      child.off('message', listener);
      resolve(message);
    };
    child.on('message', listener);
    child.send({ type });
  });
}

async function stopChild(child) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(timer);
}

export async function stopServers() {
  stopping = true;
  await Promise.all([...children].map(stopChild));
  stopping = false;
}

/** The process's resident set now and its peak so far, in MiB. */
export async function rss(server) {
  const { rss: now, maxRss } = await server.memory();
  return { now: now / 2 ** 20, peak: maxRss / 2 ** 20 };
}

// ---------------------------------------------------------------------------------------------------------
// Plain HTTP, bytes as they travel

const rawAgent = new http.Agent({ keepAlive: false });

/** One request without any automatic decompression: the body as sent. */
export function rawRequest(url, { method = 'GET', headers = {}, body } = {}) {
  return new Promise((resolve, reject) => {
    const request = http.request(url, { method, headers, agent: rawAgent }, (response) => {
      const chunks = [];
      response.on('data', (chunk) => chunks.push(chunk));
      response.on('end', () =>
        resolve({ status: response.statusCode, headers: response.headers, body: Buffer.concat(chunks) }),
      );
      response.on('error', reject);
    });
    request.setTimeout(30_000, () => request.destroy(new Error(`${method} ${url}: no answer within 30 s`)));
    request.on('error', reject);
    request.end(body);
  });
}

/** The body decoded by its Content-Encoding. */
export function decoded(response) {
  const encoding = response.headers['content-encoding'] ?? 'identity';
  const decode = { br: brotliDecompressSync, gzip: gunzipSync, deflate: inflateSync, identity: (b) => b }[encoding];
  if (!decode) throw new Error(`unknown content-encoding ${encoding}`);
  return decode(response.body).toString('utf8');
}

export async function getJson(base, path, headers = {}, status = 200) {
  const response = await rawRequest(`${base}${path}`, { headers });
  const text = decoded(response);
  if (response.status !== status) {
    throw new Error(`GET ${base}${path} answered ${response.status}, expected ${status}: ${text.slice(0, 500)}`);
  }
  return { ...response, text, json: status === 304 ? undefined : JSON.parse(text) };
}

/**
 * Fetches `path` bare and with browser headers and checks that the second, decoded by its Content-Encoding,
 * is the same JSON as the first. Returns what travelled, for the report.
 */
export async function checkEncodings(server, path, headers = {}) {
  const identity = await getJson(server.url, path, headers);
  const browser = await getJson(server.url, path, { ...headers, ...BROWSER_HEADERS });
  const same = isDeepStrictEqual(identity.json, browser.json);
  return {
    server: server.label,
    path,
    encoding: browser.headers['content-encoding'] ?? 'identity',
    vary: browser.headers.vary ?? '',
    identityBytes: identity.body.length,
    browserBytes: browser.body.length,
    same,
    difference: same ? null : firstDifference(identity.json, browser.json),
  };
}

/** A short description of where two JSON values first differ. */
export function firstDifference(a, b, path = '$') {
  if (isDeepStrictEqual(a, b)) return null;
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
      const found = firstDifference(a[key], b[key], `${path}.${key}`);
      if (found) return found;
    }
  }
  return `${path}: ${JSON.stringify(a)?.slice(0, 200)} ≠ ${JSON.stringify(b)?.slice(0, 200)}`;
}

// ---------------------------------------------------------------------------------------------------------
// Statistics

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Nearest-rank percentile of ascending samples. */
export function percentile(sorted, q) {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

/**
 * The verdict of alternated rounds: one ratio per round (`ratioOf(subjectRun, baselineRun)`), then their
 * median, min and max. A single lucky or unlucky round moves the median little; min–max shows the spread.
 */
export function roundRatios(subjectRuns, baselineRuns, ratioOf) {
  const ratios = subjectRuns.map((run, i) => ratioOf(run, baselineRuns[i]));
  return { ratios, median: median(ratios), min: Math.min(...ratios), max: Math.max(...ratios) };
}

// ---------------------------------------------------------------------------------------------------------
// Throughput: autocannon

/**
 * One autocannon run. `target` is { path, headers?, paths? (rotated), method?, body?, status }. Throws when any
 * response has another status, or on connection errors and timeouts.
 */
export async function cannon(server, target, seconds, connections) {
  let next = 0;
  const requests = target.paths
    ? [{ method: 'GET', setupRequest: (request) => ({ ...request, path: target.paths[next++ % target.paths.length] }) }]
    : undefined;
  const cpuBefore = await server.cpu();
  const result = await autocannon({
    url: `${server.url}${target.path}`,
    connections,
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
  const cpuAfter = await server.cpu();
  return {
    rps: result.requests.total / result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    total: result.requests.total,
    bytesPerRequest: result.throughput.total / result.requests.total,
    // Share of one core the server process used during the run (its event loop is one thread).
    cpu: (cpuAfter.user - cpuBefore.user + cpuAfter.system - cpuBefore.system) / 1e6 / result.duration,
  };
}

/**
 * Warms every entry ({ label, server, target }) up, then runs them in turn, `rounds` times (a, b, a, b, …), so
 * that a noisy neighbour hurts all sides alike and each round yields a ratio. `measure(entry, seconds)` runs one.
 */
export async function alternate(name, entries, { rounds, seconds, warmup, measure }) {
  if (warmup > 0) for (const entry of entries) await measure(entry, warmup);
  const runs = entries.map(() => []);
  for (let round = 0; round < rounds; round++) {
    for (const [i, entry] of entries.entries()) runs[i].push(await measure(entry, seconds));
  }
  return entries.map((entry, i) => ({ ...entry, runs: runs[i] }));
}

/** What a side of a throughput series reports: medians over its rounds. */
export function throughputSummary(runs) {
  return {
    rps: median(runs.map((r) => r.rps)),
    p50: median(runs.map((r) => r.p50)),
    p99: median(runs.map((r) => r.p99)),
    cpu: median(runs.map((r) => r.cpu)),
    bytes: median(runs.map((r) => r.bytesPerRequest)),
    all: runs.map((r) => Math.round(r.rps)),
  };
}

// ---------------------------------------------------------------------------------------------------------
// Latency: a few keep-alive connections for a fixed time, every request timed

/**
 * `connections` loops, each sending its next request as soon as the last one answered, for `seconds`, rotating
 * over `paths`. A request without an answer after `timeoutMs` is abandoned and counted as a timeout (its time
 * counts as `timeoutMs`); any other status than `status` is counted as a failure. Never throws for either:
 * a slow workload is a finding, not a crash. Bounded by `seconds + timeoutMs`.
 */
export async function latencyRun(base, { paths, headers = {}, status = 200 }, { seconds, connections, timeoutMs }) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  const samples = [];
  const failures = {};
  const errors = {};
  let timeouts = 0;
  let next = 0;
  const deadline = performance.now() + seconds * 1000;
  const one = (path) =>
    new Promise((resolve) => {
      const started = performance.now();
      // Exactly one outcome per request: an answer, a timeout or a connection error.
      let settled = false;
      const settle = (record) => {
        if (settled) return;
        settled = true;
        record();
        resolve();
      };
      const request = http.get(`${base}${path}`, { headers, agent }, (response) => {
        response.resume();
        response.on('error', failedConnection);
        response.on('end', () =>
          settle(() => {
            samples.push(performance.now() - started);
            if (response.statusCode !== status)
              failures[response.statusCode] = (failures[response.statusCode] ?? 0) + 1;
          }),
        );
      });
      request.setTimeout(timeoutMs, () => {
        settle(() => {
          timeouts += 1;
          samples.push(timeoutMs);
        });
        request.destroy();
      });
      const failedConnection = (error) =>
        settle(() => {
          errors[error.code ?? error.message] = (errors[error.code ?? error.message] ?? 0) + 1;
        });
      request.on('error', failedConnection);
    });
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (performance.now() < deadline) await one(paths[next++ % paths.length]);
    }),
  );
  agent.destroy();
  samples.sort((a, b) => a - b);
  const sum = (counts) => Object.values(counts).reduce((a, b) => a + b, 0);
  const failed = sum(failures);
  return {
    count: samples.length,
    p50: percentile(samples, 0.5),
    p95: percentile(samples, 0.95),
    p99: percentile(samples, 0.99),
    timeouts,
    failed,
    failures,
    errors: sum(errors),
    errorCodes: errors,
    ok: timeouts === 0 && failed === 0 && sum(errors) === 0,
  };
}

// ---------------------------------------------------------------------------------------------------------
// Reporting

export const fmt = (n, digits = 0) =>
  Number.isFinite(n)
    ? n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })
    : '—';

/** Prints rows (arrays of strings) under `header`, right-aligning the columns whose index is in `numeric`. */
export function printTable(header, rows, numeric = new Set()) {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i] ?? '').length)));
  const format = (row) =>
    row
      .map((cell, i) =>
        numeric.has(i) ? String(cell ?? '').padStart(widths[i]) : String(cell ?? '').padEnd(widths[i]),
      )
      .join('  ')
      .trimEnd();
  console.log(format(header));
  console.log(widths.map((w) => '─'.repeat(w)).join('  '));
  for (const row of rows) console.log(format(row));
}

export function machineLine() {
  const cpus = os.cpus();
  return (
    `machine: ${cpus.length} × ${cpus[0]?.model ?? 'unknown CPU'}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB, ` +
    `${os.type()} ${os.release()}, node ${process.version}, load average ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`
  );
}

/** `≥ 0.50` / `≤ 3.00` and whether `value` meets it. */
export function targetCheck(value, target, digits = 2) {
  if (target === undefined) return { text: '—', result: 'info' };
  const met = target.max !== undefined ? value <= target.max : value >= target.min;
  return {
    text: target.max !== undefined ? `≤ ${fmt(target.max, digits)}` : `≥ ${fmt(target.min, digits)}`,
    result: Number.isFinite(value) ? (met ? 'PASS' : 'FAIL') : 'n/a',
  };
}
