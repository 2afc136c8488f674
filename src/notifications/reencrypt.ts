import type { DataSource } from 'typeorm';
import type { DataCipher } from '../common/crypto/data-cipher.js';
import { WebhookEndpointsRepository } from './webhook-endpoints.repository.js';
import { previousSecretContext, secretContext } from './webhook-signing.js';

/**
 * Moves every endpoint's signing secrets (current and, during a rotation, previous) to the current data key, in one
 * transaction: endpoints are few. For `npm run reencrypt`, outside Nest's container; safe to run again.
 */
export async function reencryptWebhookSecrets(dataSource: DataSource, cipher: DataCipher): Promise<number> {
  const endpoints = new WebhookEndpointsRepository(dataSource);
  return endpoints.transaction(async (manager) => {
    const stale = await endpoints.findSecretsNotEncryptedWith(cipher.currentPrefix, manager);
    for (const endpoint of stale) {
      await endpoints.updateSecrets(
        endpoint.id,
        {
          secret: cipher.reencrypt(endpoint.secret, secretContext(endpoint.id)),
          previousSecret:
            endpoint.previousSecret === null
              ? null
              : cipher.reencrypt(endpoint.previousSecret, previousSecretContext(endpoint.id)),
        },
        manager,
      );
    }
    return stale.length;
  });
}
