// Baseline for contact submissions: bare Fastify + a `pg` Pool storing each submission with the single INSERT the
// API's request row needs, sealed the API's way (its normalizePhone, DataCipher and sealNewRequest from dist/), so
// the row is the same work. No validation, idempotency record, outbox row, audit event, transaction, rate limit or
// security headers: the floor `POST /api/v1/contact-requests` is measured against. Its references start with
// `BR-` (a counter), so the bench tells its rows from the API's.
import Fastify from 'fastify';
import pg from 'pg';
import { DataCipher } from '../../dist/src/common/crypto/data-cipher.js';
import { normalizeEmail, normalizePhone, REFERENCE_ALPHABET } from '../../dist/src/contact-requests/contact-details.js';
import { sealNewRequest } from '../../dist/src/contact-requests/contact-request-sealing.js';
import { serveForBench } from './child.mjs';

const INSERT = `INSERT INTO contact_requests (id, reference, status, status_changed_at, channel, preferred_time,
    service_interest, name_cipher, phone_cipher, email_cipher, message_cipher, phone_index, email_index,
    consent_to_text, expected_reply_by, assigned_to, version, created_at, updated_at)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)`;

let counter = 0;
function reference() {
  let rest = counter++;
  let out = '';
  for (let i = 0; i < 6; i++) {
    out = REFERENCE_ALPHABET[rest % REFERENCE_ALPHABET.length] + out;
    rest = Math.floor(rest / REFERENCE_ALPHABET.length);
  }
  return `BR-${out}`;
}

serveForBench(async ({ databaseUrl, poolMax, encryptionKey, defaultRegion = 'US', replyWithinMinutes = 60 }) => {
  const cipher = new DataCipher(Buffer.from(encryptionKey, 'base64'));
  const pool = new pg.Pool({ connectionString: databaseUrl, max: poolMax, application_name: 'bench-bare-contact' });
  const app = Fastify();
  app.post('/api/v1/contact-requests', async (request, reply) => {
    const body = request.body;
    const now = new Date();
    const row = sealNewRequest(
      cipher,
      {
        name: body.name,
        phone: body.phone === undefined ? null : (normalizePhone(body.phone, defaultRegion) ?? null),
        email: body.email === undefined ? null : normalizeEmail(body.email),
        message: body.message ?? null,
      },
      {
        reference: reference(),
        status: 'new',
        channel: body.preferredChannel,
        preferredTime: body.preferredTime ?? null,
        serviceInterest: body.serviceInterest ?? null,
        consentToText: body.consentToText ?? false,
        expectedReplyBy: new Date(now.getTime() + replyWithinMinutes * 60_000),
        now,
      },
    );
    await pool.query(INSERT, [
      row.id,
      row.reference,
      row.status,
      row.statusChangedAt,
      row.channel,
      row.preferredTime,
      row.serviceInterest,
      row.nameCipher,
      row.phoneCipher,
      row.emailCipher,
      row.messageCipher,
      row.phoneIndex,
      row.emailIndex,
      row.consentToText,
      row.expectedReplyBy,
      row.assignedTo,
      row.version,
      row.createdAt,
      row.updatedAt,
    ]);
    return reply.code(201).send({ reference: row.reference, status: 'received' });
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  return {
    port: app.server.address().port,
    close: async () => {
      await app.close();
      await pool.end();
    },
  };
});
