import type { DataSource } from 'typeorm';
import type { DataCipher } from '../common/crypto/data-cipher.js';
import { UsersRepository } from './users.repository.js';

/** Authenticated data of a user's encrypted TOTP secret: it decrypts for that user only. */
export const totpSecretContext = (userId: string) => `users.totp_secret:${userId}`;

/**
 * Moves the TOTP secrets not under the current data key to it, in one transaction. For `npm run reencrypt`; safe to
 * run again.
 */
export async function reencryptTotpSecrets(dataSource: DataSource, cipher: DataCipher): Promise<number> {
  const users = new UsersRepository(dataSource);
  return users.transaction(async (manager) => {
    const stale = await users.findTotpSecretsNotEncryptedWith(cipher.currentPrefix, manager);
    for (const user of stale) {
      const moved = cipher.reencrypt(user.totpSecretCipher!, totpSecretContext(user.id));
      await users.update(user.id, { totpSecretCipher: moved }, manager);
    }
    return stale.length;
  });
}
