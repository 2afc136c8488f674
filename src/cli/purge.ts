/**
 * `npm run purge`: deletes contact requests closed or marked spam longer than CONTACT_RETENTION_DAYS ago, webhook
 * deliveries finished that long ago, and expired idempotency keys, as the daily job does. Audited with counts only.
 */
import 'reflect-metadata';
import { purgeExpired } from '../contact-requests/retention.js';
import { withCliDataSource } from './cli-data-source.js';

await withCliDataSource(async (dataSource, config, target) => {
  const result = await dataSource.transaction((manager) =>
    purgeExpired(manager, new Date(), config.contactRequests.retentionDays),
  );
  console.log(
    `Purged ${target}: ${result.contactRequests} contact requests closed or spam since before ${result.cutoff}, ` +
      `${result.notificationDeliveries} webhook deliveries finished before then, ` +
      `${result.idempotencyKeys} expired idempotency keys.`,
  );
});
