// Builds the API when dist/ is older than its sources (the HAProxy scenarios run the built app as child processes),
// then starts PgBouncer (test/cluster/pgbouncer.sh) unless PGBOUNCER_URL names one already running; the teardown
// stops only what this started.
import { execFile } from 'node:child_process';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const SCRIPT = new URL('./pgbouncer.sh', import.meta.url).pathname;
const ROOT = new URL('../..', import.meta.url).pathname;

export default async function globalSetup() {
  await buildIfStale();
  if (process.env.PGBOUNCER_URL) return;
  const { stdout } = await promisify(execFile)('bash', [SCRIPT, 'start'], { env: process.env });
  const url = /^PGBOUNCER_URL=(.+)$/m.exec(stdout)?.[1];
  if (!url) throw new Error(`pgbouncer.sh start printed no PGBOUNCER_URL:\n${stdout}`);
  process.env.PGBOUNCER_URL = url;
  globalThis.__wellclinicPgbouncerStarted = true;
}

export async function stopPgbouncer() {
  await promisify(execFile)('bash', [SCRIPT, 'stop'], { env: process.env });
}

/** What `nest build` compiles: a change to any of it makes dist/ stale. */
const BUILD_INPUTS = [
  'src',
  'migrations',
  'tsconfig.json',
  'tsconfig.build.json',
  'nest-cli.json',
  'package-lock.json',
];

async function newestMtime(path) {
  const info = await stat(path);
  if (!info.isDirectory()) return info.mtimeMs;
  const entries = await readdir(path, { withFileTypes: true });
  const times = await Promise.all(entries.map((entry) => newestMtime(join(path, entry.name))));
  return Math.max(info.mtimeMs, ...times);
}

async function buildIfStale() {
  const built = await stat(join(ROOT, 'dist/src/main.js')).then(
    (info) => info.mtimeMs,
    () => 0,
  );
  const sources = Math.max(...(await Promise.all(BUILD_INPUTS.map((input) => newestMtime(join(ROOT, input))))));
  if (built > sources) return;
  process.stdout.write('\ncluster suite: dist/ is older than the sources, running `npx nest build`\n');
  await promisify(execFile)('npx', ['nest', 'build'], { cwd: ROOT, env: process.env, timeout: 300_000 });
}
