/**
 * `npm run purge`: deletes contact requests closed or marked spam longer than CONTACT_RETENTION_DAYS ago, every
 * request received more than CONTACT_MAX_AGE_DAYS ago whatever its status, webhook deliveries finished before the
 * retention cutoff, and expired idempotency keys, as the daily job does; then says how many open requests have
 * waited more than 30 days. Audited with counts only.
 */
import 'reflect-metadata';
import { describePurge, purgeExpired, retentionPolicy } from '../contact-requests/retention.js';
import { withCliDataSource } from './cli-data-source.js';

await withCliDataSource(async (dataSource, config, target) => {
  const policy = retentionPolicy(config);
  const result = await dataSource.transaction((manager) => purgeExpired(manager, new Date(), policy));
  console.log(`Purged ${target}: ${describePurge(result, policy)}`);
});
