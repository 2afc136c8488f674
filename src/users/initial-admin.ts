import type { DataSource } from 'typeorm';
import { AppException } from '../common/errors/app-exception.js';
import type { AppConfig } from '../config/app-config.js';
import { User } from './user.entity.js';
import { insertSystemAdmin } from './users.service.js';

const INITIAL_ADMIN_LOCK_KEY = 7_204_311_003;

/**
 * With ADMIN_EMAIL and ADMIN_PASSWORD set and no user at all, creates that admin. Runs before the demo
 * seed, which then finds a user and creates no demo admin. Returns the new user's id, if one was created.
 */
export async function ensureInitialAdmin(dataSource: DataSource, config: AppConfig): Promise<string | undefined> {
  const admin = config.auth.initialAdmin;
  if (!admin) return undefined;
  return dataSource.transaction(async (manager) => {
    // One instance creates it even when several start together.
    await manager.query('SELECT pg_advisory_xact_lock($1)', [INITIAL_ADMIN_LOCK_KEY]);
    if ((await manager.count(User)) > 0) return undefined;
    const user = await insertSystemAdmin(
      manager,
      { email: admin.email, password: admin.password, displayName: 'Administrator' },
      'ADMIN_EMAIL',
    ).catch((error: unknown) => {
      // At boot a problem body helps nobody: name the variable instead.
      if (error instanceof AppException && error.options.errors) {
        throw new Error(`ADMIN_PASSWORD is not acceptable: ${error.options.errors.map((e) => e.message).join('; ')}`);
      }
      throw error;
    });
    return user.id;
  });
}
