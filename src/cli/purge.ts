/**
 * `npm run purge`: runs every feature's retention purge now, as the daily job does — contact requests closed or
 * marked spam longer than CONTACT_RETENTION_DAYS ago and every request received more than CONTACT_MAX_AGE_DAYS ago,
 * webhook deliveries finished before the retention cutoff, expired idempotency keys — then says how many open
 * requests have waited more than 30 days. Audited with counts only.
 */
import 'reflect-metadata';
import { FEATURE_REGISTRY } from '../app.module.js';
import { describePurges, runPurges } from '../maintenance/run-purges.js';
import { withCliDataSource } from './cli-data-source.js';

await withCliDataSource(async (dataSource, config, target) => {
  const results = await runPurges(dataSource.manager, FEATURE_REGISTRY.purges, { now: new Date(), config });
  console.log(`Purged ${target}: ${describePurges(results)}`);
});
