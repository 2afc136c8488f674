/**
 * `npm run reencrypt`: after a key rotation (new DATA_ENCRYPTION_KEY, the old one in DATA_ENCRYPTION_KEYS), moves
 * every encrypted contact detail and note to the current key. Then the old key can be dropped.
 */
import 'reflect-metadata';
import { dataCipherFor } from '../common/crypto/data-cipher.module.js';
import { reencryptContactData } from '../contact-requests/reencrypt.js';
import { withCliDataSource } from './cli-data-source.js';

await withCliDataSource(async (dataSource, config, target) => {
  const cipher = dataCipherFor(config);
  const moved = await reencryptContactData(dataSource, cipher);
  console.log(
    `Re-encrypted ${target} under key ${cipher.currentKeyId}: ${moved.contactRequests} contact requests, ${moved.notes} notes.`,
  );
});
