// `npm run bench`: boots the built API on an in-memory embedded database and measures staff sign-in,
// whose cost is dominated by argon2id. Prints p50/p95 per case; no thresholds: compare runs over time.
import { performance } from 'node:perf_hooks';
import { createApp } from '../dist/src/app.factory.js';
import { hashPassword, verifyPassword } from '../dist/src/users/password.js';
import { UsersRepository } from '../dist/src/users/users.repository.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 30);

function stats(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return { p50: at(0.5).toFixed(1), p95: at(0.95).toFixed(1), n: sorted.length };
}

async function time(fn) {
  const samples = [];
  for (let i = 0; i < ROUNDS; i++) {
    const start = performance.now();
    await fn();
    samples.push(performance.now() - start);
  }
  return stats(samples);
}

const hash = await hashPassword('bench-password-123');
const results = {
  'argon2id hash': await time(() => hashPassword('bench-password-123')),
  'argon2id verify': await time(() => verifyPassword(hash, 'bench-password-123')),
};

const running = await createApp({
  env: {
    PGLITE_DATA_DIR: 'memory://',
    LOG_LEVEL: 'warn',
    DB_SEED_ON_START: 'false',
    RATE_LIMIT_LOGIN_LIMIT: '10000',
    RATE_LIMIT_LOGIN_EMAIL_LIMIT: '100000',
    RATE_LIMIT_GENERAL_LIMIT: '100000',
  },
});
try {
  await running.app.get(UsersRepository).insert({
    email: 'bench@wellclinic.test',
    passwordHash: hash,
    displayName: 'Bench',
    role: 'editor',
  });
  await running.app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = running.app.getHttpServer().address();
  const login = (email, password) =>
    fetch(`http://127.0.0.1:${port}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password }),
    }).then(async (r) => {
      await r.arrayBuffer();
      return r.status;
    });

  results['POST /auth/login (success)'] = await time(() => login('bench@wellclinic.test', 'bench-password-123'));
  results['POST /auth/login (wrong password)'] = await time(() => login('bench@wellclinic.test', 'wrong-password-123'));
  results['POST /auth/login (unknown email)'] = await time(() => login('nobody@wellclinic.test', 'wrong-password-123'));
} finally {
  await running.close();
}

console.log(`login latency in ms over ${ROUNDS} sequential requests (embedded database, this machine)`);
console.table(results);
