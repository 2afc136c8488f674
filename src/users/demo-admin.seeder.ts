import { Logger } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import type { Seeder } from '../database/seeding/seeder.js';
import { User } from './user.entity.js';
import { insertSystemAdmin } from './users.service.js';

export const DEMO_ADMIN_EMAIL = 'admin@example.com';

/**
 * Demo databases get an admin to sign in with. Its random password is printed once, in the log of the
 * start that created it; when an admin was configured (ADMIN_EMAIL) or users exist, it does nothing.
 */
export const demoAdminSeeder: Seeder = {
  name: 'demo-admin',
  async run(manager) {
    if ((await manager.count(User)) > 0) return;
    const password = randomBytes(12).toString('base64url');
    await insertSystemAdmin(manager, { email: DEMO_ADMIN_EMAIL, password, displayName: 'Demo Admin' }, 'demo-seed');
    new Logger('Seed').warn(
      `Demo admin created: ${DEMO_ADMIN_EMAIL} / ${password} — shown only this once; change it after signing in.`,
    );
  },
};
