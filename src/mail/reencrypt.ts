import type { DataSource } from 'typeorm';
import type { DataCipher } from '../common/crypto/data-cipher.js';
import { recipientContext, secretParamContext } from './mail-outbox.service.js';
import { MailOutboxRepository } from './mail-outbox.repository.js';

/**
 * Moves the addresses of emails not yet sent (the only ones kept: an address is erased once its email is sent or
 * given up) to the current data key, in one transaction. For `npm run reencrypt`; safe to run again.
 */
export async function reencryptMailRecipients(dataSource: DataSource, cipher: DataCipher): Promise<number> {
  const messages = new MailOutboxRepository(dataSource);
  return messages.transaction(async (manager) => {
    const stale = await messages.findRecipientsNotEncryptedWith(cipher.currentPrefix, manager);
    for (const message of stale) {
      const recipient = message.recipientCipher!;
      await messages.updateRecipient(message.id, cipher.reencrypt(recipient, recipientContext(message.id)), manager);
    }
    return stale.length;
  });
}

/**
 * Moves the secret parameter of emails not yet sent (a password reset's token, erased from the message once it is sent
 * or given up) to the current data key, in one transaction: a reset link asked for before a rotation still arrives
 * after the old key is dropped. For `npm run reencrypt`; safe to run again.
 */
export async function reencryptMailSecrets(dataSource: DataSource, cipher: DataCipher): Promise<number> {
  const messages = new MailOutboxRepository(dataSource);
  return messages.transaction(async (manager) => {
    const stale = await messages.findSecretsNotEncryptedWith(cipher.currentPrefix, manager);
    for (const message of stale) {
      const secret = cipher.reencrypt(message.params.secret!, secretParamContext(message.id));
      await messages.updateParams(message.id, { ...message.params, secret }, manager);
    }
    return stale.length;
  });
}
