// Pieces shared by the benchmarks: scratch databases and API servers forked into their own processes.
import { fork } from 'node:child_process';
import { once } from 'node:events';
import pg from 'pg';

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

const children = new Set();
let stopping = false;

/**
 * Forks bench/servers/<file>, sends it its options and resolves with its base URL once it listens. With
 * BENCH_PROFILE_DIR set, every server writes a V8 CPU profile there when it stops (open it in Chrome's
 * DevTools or speedscope): the way to see where a server's time goes.
 */
export async function startServer(file, label, options) {
  const profileDir = process.env.BENCH_PROFILE_DIR;
  const child = fork(new URL(`./servers/${file}`, import.meta.url), [], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
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
    const timer = setTimeout(() => reject(new Error(`${label} did not start within 120 s`)), 120_000);
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
  child.on('exit', (code, signal) => {
    if (!stopping) console.error(`${label} exited unexpectedly (code ${code}, signal ${signal})`);
  });
  return { label, url: `http://127.0.0.1:${port}`, child, cpu: () => cpuUsage(child) };
}

/** The child's CPU time so far, in microseconds (user + system). */
function cpuUsage(child) {
  return new Promise((resolve) => {
    const listener = (message) => {
      if (message?.type !== 'cpu') return;
      child.off('message', listener);
      resolve(message.usage.user + message.usage.system);
    };
    child.on('message', listener);
    child.send({ type: 'cpu' });
  });
}

export async function stopServers() {
  stopping = true;
  await Promise.all(
    [...children].map(async (child) => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    }),
  );
}
