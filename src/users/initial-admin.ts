import type { DataSource } from 'typeorm';
import { AppException } from '../common/errors/app-exception.js';
import type { AppConfig } from '../config/app-config.js';
import { usersServiceOn } from './users.service.js';

/**
 * With ADMIN_EMAIL and ADMIN_PASSWORD set and no user at all, creates that admin. Runs before the demo
 * seed, which then finds a user and creates no demo admin. Returns a line for the log when it created one.
 */
export async function ensureInitialAdmin(dataSource: DataSource, config: AppConfig): Promise<string | undefined> {
  const admin = config.auth.initialAdmin;
  if (!admin) return undefined;
  const user = await usersServiceOn(dataSource)
    .createInitialAdmin({ email: admin.email, password: admin.password, displayName: 'Administrator' })
    .catch((error: unknown) => {
      // At boot a problem body helps nobody: name the variable instead.
      if (error instanceof AppException && error.options.errors) {
        throw new Error(`ADMIN_PASSWORD is not acceptable: ${error.options.errors.map((e) => e.message).join('; ')}`);
      }
      throw error;
    });
  return user ? `Created the first admin from ADMIN_EMAIL (user ${user.id})` : undefined;
}
