import { Logger } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import type { Seeder } from '../common/feature/seeder.js';
import { UsersRepository } from './users.repository.js';
import { usersServiceOn } from './users.service.js';

export const DEMO_ADMIN_EMAIL = 'admin@example.com';

const INSTEAD = 'Set ADMIN_EMAIL and ADMIN_PASSWORD, or run `npm run create-admin`.';

/**
 * Embedded demo databases get an admin to sign in with. Its random password is written once to the
 * interactive terminal (stderr), never to the log, which is stdout and often shipped and stored. It declines,
 * to be asked again at the next seeding, on a DATABASE_URL database (ADMIN_EMAIL and ADMIN_PASSWORD are the way
 * there) and when stderr is not a terminal; when users exist, it does nothing.
 */
export const demoAdminSeeder: Seeder = {
  name: 'demo-admin',
  async run(manager, { embeddedDatabase }) {
    if (await new UsersRepository(manager.connection).any(manager)) return;
    const logger = new Logger('Seed');
    if (!embeddedDatabase) {
      logger.warn(`No demo admin: a generated password is for the embedded database only. ${INSTEAD}`);
      return false;
    }
    const terminal = process.stderr;
    if (!terminal.isTTY) {
      logger.warn(`No demo admin: its generated password is shown only on an interactive terminal. ${INSTEAD}`);
      return false;
    }
    const password = randomBytes(12).toString('base64url');
    await usersServiceOn(manager.connection).createSystemAdmin(
      manager,
      { email: DEMO_ADMIN_EMAIL, password, displayName: 'Demo Admin' },
      'demo-seed',
    );
    terminal.write(
      `\nDemo admin: ${DEMO_ADMIN_EMAIL} / ${password}\nShown only this once, and never logged: change it after signing in.\n\n`,
    );
    logger.warn(`Demo admin created: ${DEMO_ADMIN_EMAIL}; its password was shown on the terminal only.`);
  },
};
