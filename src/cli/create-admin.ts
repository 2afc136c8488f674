/**
 * `npm run create-admin -- --email you@clinic.example --password '…' [--name 'Your Name']`
 * Creates an admin account. Targets DATABASE_URL, or the embedded database (stop the API first).
 */
import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { AppException } from '../common/errors/app-exception.js';
import { usersServiceOn } from '../users/users.service.js';
import { withCliDataSource } from './cli-data-source.js';

const { values } = parseArgs({
  options: { email: { type: 'string' }, password: { type: 'string' }, name: { type: 'string' } },
});
if (!values.email || !values.password) {
  console.error("Usage: npm run create-admin -- --email you@clinic.example --password '…' [--name 'Your Name']");
  process.exit(2);
}
const { email, password } = values;

try {
  await withCliDataSource(async (dataSource) => {
    const users = usersServiceOn(dataSource);
    const user = await dataSource.transaction((manager) =>
      users.createSystemAdmin(
        manager,
        { email, password, displayName: values.name ?? 'Administrator' },
        'create-admin',
      ),
    );
    console.log(`Created admin ${user.email} (${user.id}).`);
  });
} catch (error) {
  if (error instanceof AppException) {
    const details = error.options.errors?.map((e) => `\n  - ${e.message}`).join('') ?? '';
    console.error(`Not created: ${error.detail}${details}`);
    process.exit(1);
  }
  throw error;
}
