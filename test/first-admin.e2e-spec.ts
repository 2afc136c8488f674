import { jest } from '@jest/globals';
import { DataSource } from 'typeorm';
import { createApp } from '../src/app.factory.js';
import { AuditEvent } from '../src/audit/audit-event.entity.js';
import { User } from '../src/users/user.entity.js';
import { createScratchDatabase, scratchDatabaseIdle } from './setup/test-database.js';
import { logs, TEST_DATA_ENCRYPTION_KEY, TEST_JWT_SECRET, testLogger, validatingRequest } from './utils/test-app.js';

const ADMIN = { ADMIN_EMAIL: 'Owner@WellClinic.test', ADMIN_PASSWORD: 'a-quiet-harbor-at-dawn' };

/** Runs `use` with process.stderr posing as an interactive terminal or not; returns what was written to it. */
async function onStderr(isTTY: boolean, use: (written: string[]) => Promise<unknown>): Promise<string[]> {
  const stderr = process.stderr;
  const own = Object.getOwnPropertyDescriptor(stderr, 'isTTY');
  const written: string[] = [];
  Object.defineProperty(stderr, 'isTTY', { value: isTTY, configurable: true, writable: true });
  const write = jest.spyOn(stderr, 'write').mockImplementation((chunk: unknown) => written.push(String(chunk)) > 0);
  try {
    await use(written);
    return written;
  } finally {
    write.mockRestore();
    if (own) Object.defineProperty(stderr, 'isTTY', own);
    else delete (stderr as { isTTY?: boolean }).isTTY;
  }
}

/** Boots the real app on a database of its own, runs `use`, and closes it. */
async function boot<T>(url: string, env: Record<string, string>, use: (ds: DataSource) => Promise<T>): Promise<T> {
  const running = await createApp({
    env: {
      NODE_ENV: 'test',
      DATABASE_URL: url,
      JWT_SECRET: TEST_JWT_SECRET,
      DATA_ENCRYPTION_KEY: TEST_DATA_ENCRYPTION_KEY,
      LOG_LEVEL: 'info',
      ...env,
    },
    logger: testLogger,
  });
  try {
    return await use(running.app.get(DataSource));
  } finally {
    await running.close();
    // The next boot on this database connects at once, not after TypeORM's retry delay.
    await scratchDatabaseIdle(url);
  }
}

async function users(ds: DataSource): Promise<Pick<User, 'email' | 'role' | 'active'>[]> {
  return (await ds.getRepository(User).find({ order: { email: 'ASC' } })).map(({ email, role, active }) => ({
    email,
    role,
    active,
  }));
}

describe('the first admin', () => {
  let db: Awaited<ReturnType<typeof createScratchDatabase>>;
  beforeEach(async () => {
    db = await createScratchDatabase();
    logs.lines.length = 0;
  });
  afterEach(async () => {
    await db.drop();
  });

  it('is created from ADMIN_EMAIL and ADMIN_PASSWORD when there is no user, once', async () => {
    await boot(db.url, { ...ADMIN, DB_SEED_ON_START: 'false' }, async (ds) => {
      expect(await users(ds)).toEqual([{ email: 'owner@wellclinic.test', role: 'admin', active: true }]);
      const events = await ds.getRepository(AuditEvent).findBy({ action: 'user.created' });
      expect(events).toEqual([
        expect.objectContaining({
          actorType: 'system',
          actorId: null,
          metadata: { role: 'admin', via: 'ADMIN_EMAIL' },
        }),
      ]);
    });
    expect(logs.text).toMatch(/Created the first admin from ADMIN_EMAIL \(user [0-9a-f-]{36}\)/);
    expect(logs.text).not.toContain(ADMIN.ADMIN_PASSWORD);

    await boot(db.url, { ...ADMIN, ADMIN_EMAIL: 'someone-else@wellclinic.test' }, async (ds) => {
      expect(await users(ds)).toEqual([{ email: 'owner@wellclinic.test', role: 'admin', active: true }]);
    });
  });

  it('takes precedence over the demo admin of a seeded database', async () => {
    await boot(db.url, { ...ADMIN, DB_SEED_ON_START: 'true' }, async (ds) => {
      expect(await users(ds)).toEqual([{ email: 'owner@wellclinic.test', role: 'admin', active: true }]);
    });
    expect(logs.text).not.toContain('Demo admin created');
  });

  it('refuses to boot with an ADMIN_PASSWORD that breaks the password policy, naming the variable', async () => {
    await expect(
      boot(db.url, { ADMIN_EMAIL: 'owner@wellclinic.test', ADMIN_PASSWORD: 'password1234' }, () => Promise.resolve()),
    ).rejects.toThrow('ADMIN_PASSWORD is not acceptable: password is too common');
  });

  it('is no demo admin with a generated password on a DATABASE_URL database, even on a terminal', async () => {
    const written = await onStderr(true, () =>
      boot(db.url, { DB_SEED_ON_START: 'true' }, async (ds) => {
        expect(await users(ds)).toEqual([]);
        // Declined, not done: the next seeding asks again (and finds the admin by then, or declines again).
        const runs = (await ds.query<{ name: string }[]>('SELECT name FROM seed_runs')).map((r) => r.name);
        expect(runs).toEqual(expect.arrayContaining(['demo-hours', 'demo-articles']));
        expect(runs).not.toContain('demo-admin');
        // Three live articles, a draft and one scheduled a week ahead, by the app's time (the database server's
        // clock may differ: CI runs the suite under a shifted clock).
        const articles = await ds.query<{ live: boolean; status: string }[]>(
          `SELECT status, status = 'published' AND published_at <= $1 AS live FROM articles ORDER BY 1, 2`,
          [new Date()],
        );
        expect(articles).toEqual([
          { status: 'draft', live: false },
          { status: 'published', live: false },
          { status: 'published', live: true },
          { status: 'published', live: true },
          { status: 'published', live: true },
        ]);
      }),
    );
    expect(written).toEqual([]);
    expect(logs.text).toContain(
      'No demo admin: a generated password is for the embedded database only. Set ADMIN_EMAIL and ADMIN_PASSWORD',
    );
    expect(logs.text).not.toContain('Demo admin created');
  });
});

describe('the demo admin of the embedded database', () => {
  beforeEach(() => {
    logs.lines.length = 0;
  });

  /** The embedded default: no DATABASE_URL, so the demo content (and admin) is seeded on start. */
  const bootEmbedded = () =>
    createApp({
      env: { NODE_ENV: 'test', PGLITE_DATA_DIR: 'memory://', JWT_SECRET: TEST_JWT_SECRET },
      logger: testLogger,
    });

  it('is not created without a terminal to show its password on', async () => {
    const written = await onStderr(false, async () => {
      const running = await bootEmbedded();
      try {
        expect(await users(running.app.get(DataSource))).toEqual([]);
      } finally {
        await running.close();
      }
    });
    expect(written).toEqual([]);
    expect(logs.text).toContain('No demo admin: its generated password is shown only on an interactive terminal.');
  });

  it('gets a random password that only the terminal ever sees, never a log line', async () => {
    let password = '';
    const written = await onStderr(true, async (terminal) => {
      const running = await bootEmbedded();
      try {
        expect(await users(running.app.get(DataSource))).toEqual([
          { email: 'admin@example.com', role: 'admin', active: true },
        ]);
        password = /Demo admin: admin@example\.com \/ (\S+)\n/.exec(terminal.join(''))?.[1] ?? '';
        expect(password).toMatch(/^[\w-]{16}$/);
        const { http } = await validatingRequest(running.app);
        const res = await http().post('/api/v1/auth/login').send({ email: 'admin@example.com', password });
        expect(res.status).toBe(200);
        expect(res.body.user.role).toBe('admin');
      } finally {
        await running.close();
      }
    });
    expect(written.join('')).toContain('Shown only this once, and never logged');
    expect(logs.text).toContain('Demo admin created: admin@example.com; its password was shown on the terminal only.');
    expect(logs.text).not.toContain(password);
  });
});
