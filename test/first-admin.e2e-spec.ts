import request from 'supertest';
import { DataSource } from 'typeorm';
import { createApp } from '../src/app.factory.js';
import { AuditEvent } from '../src/audit/audit-event.entity.js';
import { User } from '../src/users/user.entity.js';
import { createScratchDatabase } from './setup/test-database.js';
import { logs, TEST_JWT_SECRET, testLogger } from './utils/test-app.js';

const ADMIN = { ADMIN_EMAIL: 'Owner@WellClinic.test', ADMIN_PASSWORD: 'a-quiet-harbor-at-dawn' };

/** Boots the real app on a database of its own, runs `use`, and closes it. */
async function boot<T>(url: string, env: Record<string, string>, use: (ds: DataSource) => Promise<T>): Promise<T> {
  const running = await createApp({
    env: { NODE_ENV: 'test', DATABASE_URL: url, JWT_SECRET: TEST_JWT_SECRET, LOG_LEVEL: 'info', ...env },
    logger: testLogger,
  });
  try {
    return await use(running.app.get(DataSource));
  } finally {
    await running.close();
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

  it('is a demo admin with a random password, printed once, in a seeded database without ADMIN_EMAIL', async () => {
    await boot(db.url, { DB_SEED_ON_START: 'true' }, async (ds) => {
      expect(await users(ds)).toEqual([{ email: 'admin@example.com', role: 'admin', active: true }]);
    });
    const line = /Demo admin created: admin@example\.com \/ (\S+) — shown only this once/.exec(logs.text);
    expect(line).not.toBeNull();
    const password = line?.[1] ?? '';
    expect(password).toMatch(/^[\w-]{16}$/);

    logs.lines.length = 0;
    const running = await createApp({
      env: { NODE_ENV: 'test', DATABASE_URL: db.url, JWT_SECRET: TEST_JWT_SECRET, DB_SEED_ON_START: 'true' },
      logger: testLogger,
    });
    try {
      const res = await request(running.app.getHttpServer())
        .post('/api/v1/auth/login')
        .send({ email: 'admin@example.com', password });
      expect(res.status).toBe(200);
      expect(res.body.user.role).toBe('admin');
    } finally {
      await running.close();
    }
    expect(logs.text).not.toContain('Demo admin created');
    expect(logs.text).not.toContain(password);
  });
});
