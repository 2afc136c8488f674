import { DataSource } from 'typeorm';
import { DataCipher } from '../src/common/crypto/data-cipher.js';
import { reencryptMailRecipients, reencryptMailSecrets } from '../src/mail/index.js';
import { recipientContext, secretParamContext } from '../src/mail/mail-outbox.service.js';
import { reencryptWebhookSecrets } from '../src/notifications/index.js';
import { previousSecretContext, secretContext } from '../src/notifications/webhook-signing.js';
import { createStaff } from './factories/index.js';
import { createScratchDatabase } from './setup/test-database.js';
import { TEST_DATA_ENCRYPTION_KEY, withTestApp } from './utils/test-app.js';

/**
 * `npm run reencrypt` beyond contact details (those are tested with the contact requests): webhook signing secrets
 * and the addresses and reset tokens of emails not yet sent move to the new data key, so the old key can be dropped afterwards.
 */
describe('data key rotation of webhook secrets and email addresses', () => {
  const OLD_KEY = TEST_DATA_ENCRYPTION_KEY;
  const NEW_KEY = Buffer.alloc(32, 11).toString('base64');
  const ADDRESS = 'rotation.reader@example.org';

  it('reads them under DATA_ENCRYPTION_KEYS, moves them with reencrypt, and reads them with the new key alone', async () => {
    const scratch = await createScratchDatabase();
    const env = (keys: Record<string, string>) => ({
      env: {
        DATABASE_URL: scratch.url,
        WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true',
        // Emails are queued and never sent: nothing listens there.
        SMTP_URL: 'smtp://127.0.0.1:9',
        SMTP_FROM: 'clinic@wellclinic.test',
        ...keys,
      },
    });
    try {
      const secrets = await withTestApp(env({ DATA_ENCRYPTION_KEY: OLD_KEY }), async (t) => {
        const admin = await createStaff(t, 'admin');
        const created = await t
          .http()
          .post('/api/v1/admin/webhook-endpoints')
          .set(admin.auth)
          .send({ url: 'http://127.0.0.1:9/hooks/rotation', events: ['*'] });
        expect(created.status).toBe(201);
        const { id, secret: first } = created.body as { id: string; secret: string };
        const rotated = await t.http().post(`/api/v1/admin/webhook-endpoints/${id}/rotate-secret`).set(admin.auth);
        expect(rotated.status).toBe(200);
        const submitted = await t.http().post('/api/v1/contact-requests').send({
          name: 'Rotation Reader',
          email: ADDRESS,
          preferredChannel: 'email',
          consentToContact: true,
          message: 'Please write back.',
        });
        expect(submitted.status).toBe(201);
        return { id, previous: first, current: (rotated.body as { secret: string }).secret };
      });

      const stored = async (ds: DataSource) => {
        const [endpoint] = await ds.query<{ secret: string; previous_secret: string }[]>(
          'SELECT secret, previous_secret FROM webhook_endpoints WHERE id = $1',
          [secrets.id],
        );
        const mail = await ds.query<{ id: string; recipient_cipher: string }[]>(
          'SELECT id, recipient_cipher FROM mail_outbox WHERE recipient_cipher IS NOT NULL',
        );
        expect(mail).toHaveLength(1);
        return { endpoint, mail: mail[0] };
      };

      await withTestApp(env({ DATA_ENCRYPTION_KEY: NEW_KEY, DATA_ENCRYPTION_KEYS: OLD_KEY }), async (t) => {
        const ds = t.app.get(DataSource);
        const cipher = t.app.get(DataCipher);
        const before = await stored(ds);
        expect(
          [before.endpoint.secret, before.endpoint.previous_secret, before.mail.recipient_cipher].map((v) =>
            cipher.isCurrent(v),
          ),
        ).toEqual([false, false, false]);

        expect(await reencryptWebhookSecrets(ds, cipher)).toBe(1);
        expect(await reencryptMailRecipients(ds, cipher)).toBe(1);
        const after = await stored(ds);
        expect(
          [after.endpoint.secret, after.endpoint.previous_secret, after.mail.recipient_cipher].map((v) =>
            cipher.isCurrent(v),
          ),
        ).toEqual([true, true, true]);
        // Run again: nothing left to move.
        expect([await reencryptWebhookSecrets(ds, cipher), await reencryptMailRecipients(ds, cipher)]).toEqual([0, 0]);
      });

      await withTestApp(env({ DATA_ENCRYPTION_KEY: NEW_KEY }), async (t) => {
        const cipher = t.app.get(DataCipher);
        const { endpoint, mail } = await stored(t.app.get(DataSource));
        expect(cipher.decrypt(endpoint.secret, secretContext(secrets.id))).toBe(secrets.current);
        expect(cipher.decrypt(endpoint.previous_secret, previousSecretContext(secrets.id))).toBe(secrets.previous);
        expect(cipher.decrypt(mail.recipient_cipher, recipientContext(mail.id))).toBe(ADDRESS);
      });
    } finally {
      await scratch.drop();
    }
  });

  it('moves the token of a password reset email not yet sent, which the link then carries under the new key alone', async () => {
    const scratch = await createScratchDatabase();
    const env = (keys: Record<string, string>) => ({
      env: {
        DATABASE_URL: scratch.url,
        // Queued, never sent: nothing listens there, so the message stays pending with its token.
        SMTP_URL: 'smtp://127.0.0.1:9',
        SMTP_FROM: 'clinic@wellclinic.test',
        PASSWORD_RESET_URL: 'https://staff.wellclinic.test/reset-password',
        ...keys,
      },
    });
    const pending = async (ds: DataSource) =>
      ds.query<{ id: string; status: string; secret: string }[]>(
        `SELECT id, status, params->>'secret' AS secret FROM mail_outbox WHERE kind = 'user.password_reset'`,
      );
    try {
      const member = await withTestApp(env({ DATA_ENCRYPTION_KEY: OLD_KEY }), async (t) => {
        const staff = await createStaff(t, 'editor');
        const asked = await t.http().post('/api/v1/auth/password-reset').send({ email: staff.email });
        expect(asked.status).toBe(202);
        return staff;
      });
      const password = 'a-brand-new-passphrase-after-rotation';

      let token = '';
      await withTestApp(env({ DATA_ENCRYPTION_KEY: NEW_KEY, DATA_ENCRYPTION_KEYS: OLD_KEY }), async (t) => {
        const ds = t.app.get(DataSource);
        const cipher = t.app.get(DataCipher);
        const [before] = await pending(ds);
        expect(before).toEqual({ id: expect.any(String), status: 'pending', secret: expect.any(String) });
        expect(cipher.isCurrent(before.secret)).toBe(false);
        token = cipher.decrypt(before.secret, secretParamContext(before.id));

        expect(await reencryptMailSecrets(ds, cipher)).toBe(1);
        const [after] = await pending(ds);
        expect(cipher.isCurrent(after.secret)).toBe(true);
        // Run again: nothing left to move; the address is moved by its own step.
        expect(await reencryptMailSecrets(ds, cipher)).toBe(0);
        expect(await reencryptMailRecipients(ds, cipher)).toBe(1);
      });

      await withTestApp(env({ DATA_ENCRYPTION_KEY: NEW_KEY }), async (t) => {
        const cipher = t.app.get(DataCipher);
        const [message] = await pending(t.app.get(DataSource));
        expect(cipher.decrypt(message.secret, secretParamContext(message.id))).toBe(token);
        // The token is the one the reset accepts.
        const confirmed = await t.http().post('/api/v1/auth/password-reset/confirm').send({ token, password });
        expect(confirmed.status).toBe(204);
        const login = await t.http().post('/api/v1/auth/login').send({ email: member.email, password });
        expect(login.status).toBe(200);
      });
    } finally {
      await scratch.drop();
    }
  });
});
