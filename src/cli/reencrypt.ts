/**
 * `npm run reencrypt`: after a key rotation (new DATA_ENCRYPTION_KEY, the old one in DATA_ENCRYPTION_KEYS), moves
 * every encrypted value to the current key: contact details and notes, webhook signing secrets, the addresses and
 * reset tokens of emails not yet sent and staff second-factor (TOTP) secrets. Then the old key can be dropped.
 */
import 'reflect-metadata';
import { dataCipherFor } from '../common/crypto/data-cipher.module.js';
import { reencryptContactData } from '../contact-requests/index.js';
import { reencryptMailRecipients, reencryptMailSecrets } from '../mail/index.js';
import { reencryptWebhookSecrets } from '../notifications/index.js';
import { reencryptTotpSecrets } from '../users/index.js';
import { withCliDataSource } from './cli-data-source.js';

await withCliDataSource(async (dataSource, config, target) => {
  const cipher = dataCipherFor(config);
  const moved = await reencryptContactData(dataSource, cipher);
  const secrets = await reencryptWebhookSecrets(dataSource, cipher);
  const addresses = await reencryptMailRecipients(dataSource, cipher);
  const tokens = await reencryptMailSecrets(dataSource, cipher);
  const totp = await reencryptTotpSecrets(dataSource, cipher);
  console.log(
    `Re-encrypted ${target} under key ${cipher.currentKeyId}: ${moved.contactRequests} contact requests, ` +
      `${moved.notes} notes, ${secrets} webhook endpoints, ${addresses} email addresses, ${tokens} emailed reset tokens, ${totp} second-factor secrets.`,
  );
});
