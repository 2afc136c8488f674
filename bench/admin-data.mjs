// Staff data at scale, inserted straight into its tables: audit events (SQL alone: generate_series) and contact
// requests (generated here and sealed with the API's own DataCipher and seal(), so that the API decrypts them as
// its own: the key is the DATA_ENCRYPTION_KEY the API under test runs with).
import { randomUUID } from 'node:crypto';
import { DataCipher } from '../dist/src/common/crypto/data-cipher.js';
import { REFERENCE_ALPHABET } from '../dist/src/contact-requests/contact-details.js';
import { seal } from '../dist/src/contact-requests/contact-request-sealing.js';
import { withClient } from './lib.mjs';

const DAY = 86_400_000;

/**
 * How audit events spread over entity types (per 100 events). CONTACT_REQUEST is what the front desk's work leaves
 * most of; RARE_ENTITY is the least written one.
 */
export const COMMON_ENTITY = 'contact_request';
export const RARE_ENTITY = 'hours_schedule';
const AUDIT_MIX = `CASE
    WHEN g % 100 < 50 THEN 'contact_request' WHEN g % 100 < 70 THEN 'user' WHEN g % 100 < 85 THEN 'article'
    WHEN g % 100 < 95 THEN 'testimonial' WHEN g % 100 < 98 THEN 'api_key' WHEN g % 100 < 99 THEN 'hours_schedule'
    ELSE 'hours_exception' END`;
const AUDIT_ACTIONS = `CASE
    WHEN g % 100 < 50 THEN (ARRAY['contact_request.received', 'contact_request.read', 'contact_request.listed',
      'contact_request.updated', 'contact_request.note_added'])[1 + g % 5]
    WHEN g % 100 < 70 THEN (ARRAY['auth.login_succeeded', 'auth.login_failed', 'user.created'])[1 + g % 3]
    WHEN g % 100 < 85 THEN (ARRAY['published', 'updated', 'created'])[1 + g % 3]
    WHEN g % 100 < 95 THEN 'testimonial.submitted' WHEN g % 100 < 98 THEN 'api_key.created'
    WHEN g % 100 < 99 THEN 'updated' ELSE 'hours.exception_created' END`;

/**
 * Appends `count` audit events, numbered from `from`, spread evenly over the past two years: actors among twelve
 * staff members (the system for 5 %), entity ids among 50,000, chunks of 250,000 rows.
 */
export async function loadAuditEvents(url, { count, from = 0, log = console.log }) {
  const started = Date.now();
  const staff = Array.from({ length: 12 }, () => randomUUID());
  const CHUNK = 250_000;
  await withClient(url, async (client) => {
    for (let start = from; start < from + count; start += CHUNK) {
      const end = Math.min(from + count, start + CHUNK) - 1;
      await client.query(
        `INSERT INTO audit_events (occurred_at, actor_type, actor_id, action, entity_type, entity_id, request_id, metadata)
         SELECT now() - (g % $3) * ($4::float8 / $3) * interval '1 second',
           CASE WHEN g % 20 = 0 THEN 'system' ELSE 'user' END,
           CASE WHEN g % 20 = 0 THEN NULL ELSE ($5::uuid[])[1 + g % 12] END,
           ${AUDIT_ACTIONS}, ${AUDIT_MIX},
           md5('entity-' || (g % 50000))::uuid,
           'req-' || g,
           jsonb_build_object('fields', jsonb_build_array('status'))
         FROM generate_series($1::int, $2::int) AS g`,
        [start, end, Math.max(count + from, 1), 2 * 365 * 86_400, staff],
      );
    }
    await client.query('VACUUM ANALYZE audit_events');
  });
  log(`loaded ${count.toLocaleString('en-US')} audit events in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

/** Statuses per 20 requests: most are closed; STATUS_FILTER is the front desk's queue. */
export const STATUS_FILTER = 'new';
const STATUSES = ['new', 'in_progress', 'contacted', 'contacted', ...Array(14).fill('closed'), 'spam', 'spam'];
const CHANNELS = ['text', 'text', 'call', 'email'];
const TIMES = ['morning', 'afternoon', 'evening', 'any', null];
const SERVICES = ['individual-therapy', 'couples-therapy', 'family-therapy', 'group-therapy', 'other', null];
const FIRST = ['Alex', 'Sam', 'Jordan', 'Taylor', 'Morgan', 'Casey', 'Riley', 'Avery', 'Jamie', 'Quinn'];
const LAST = ['Rivera', 'Chen', 'Okafor', 'Nguyen', 'Smith', 'Haddad', 'Kowalski', 'Johansson', 'Patel', 'Garcia'];

/** `CR-` and six characters of the API's alphabet, unique per `n` (30⁶ of them). */
function reference(n) {
  let rest = n;
  let out = '';
  for (let i = 0; i < 6; i++) {
    out = REFERENCE_ALPHABET[rest % REFERENCE_ALPHABET.length] + out;
    rest = Math.floor(rest / REFERENCE_ALPHABET.length);
  }
  return `CR-${out}`;
}

const INSERT_CONTACTS = `INSERT INTO contact_requests (id, reference, status, status_changed_at, channel, preferred_time,
    service_interest, name_cipher, phone_cipher, email_cipher, message_cipher, phone_index, email_index,
    consent_to_text, expected_reply_by, created_at, updated_at)
  SELECT u.id, u.reference, u.status::contact_request_status, u.status_changed_at, u.channel::contact_channel,
    u.preferred_time::contact_preferred_time, u.service_interest, u.name_cipher,
    u.phone_cipher, u.email_cipher, u.message_cipher, u.phone_index, u.email_index, u.consent_to_text,
    u.expected_reply_by, u.created_at, u.status_changed_at
  FROM unnest($1::uuid[], $2::text[], $3::text[], $4::timestamptz[], $5::text[], $6::text[], $7::text[], $8::text[],
    $9::text[], $10::text[], $11::text[], $12::text[], $13::text[], $14::boolean[], $15::timestamptz[],
    $16::timestamptz[])
    AS u(id, reference, status, status_changed_at, channel, preferred_time, service_interest, name_cipher,
      phone_cipher, email_cipher, message_cipher, phone_index, email_index, consent_to_text, expected_reply_by,
      created_at)`;

/**
 * Inserts `count` contact requests, numbered from `from`, received over the past 700 days (inside
 * CONTACT_MAX_AGE_DAYS); closed and spam ones changed status within the last 170 days (inside the retention), so
 * no purge removes them. `encryptionKey` is the API's DATA_ENCRYPTION_KEY (base64).
 */
export async function loadContactRequests(url, { count, from = 0, encryptionKey, log = console.log }) {
  const started = Date.now();
  const cipher = new DataCipher(Buffer.from(encryptionKey, 'base64'));
  const now = Date.now();
  const BATCH = 5_000;
  await withClient(url, async (client) => {
    for (let start = from; start < from + count; start += BATCH) {
      const columns = Array.from({ length: 16 }, () => []);
      for (let n = start; n < Math.min(from + count, start + BATCH); n++) {
        const id = randomUUID();
        const status = STATUSES[n % STATUSES.length];
        const channel = CHANNELS[n % CHANNELS.length];
        const createdAt = now - ((n * 7_919) % 700) * DAY - (n % 86_400) * 1000;
        const changedAt =
          status === 'closed' || status === 'spam'
            ? Math.max(createdAt, now - ((n * 104_729) % 170) * DAY)
            : Math.min(now, createdAt + (status === 'new' ? 0 : DAY));
        const details = {
          name: `${FIRST[n % FIRST.length]} ${LAST[Math.floor(n / FIRST.length) % LAST.length]}`,
          phone: channel === 'email' ? null : `+1202555${String(n % 10_000).padStart(4, '0')}`,
          email: channel === 'email' || n % 3 === 0 ? `person${n}@example.com` : null,
          message: n % 2 === 0 ? `Request ${n}: I would like to talk to someone about anxiety, in the evening.` : null,
        };
        const sealed = seal(cipher, id, details);
        const row = [
          id,
          reference(n),
          status,
          new Date(changedAt).toISOString(),
          channel,
          TIMES[n % TIMES.length],
          SERVICES[n % SERVICES.length],
          sealed.nameCipher,
          sealed.phoneCipher,
          sealed.emailCipher,
          sealed.messageCipher,
          sealed.phoneIndex,
          sealed.emailIndex,
          channel === 'text',
          new Date(createdAt + 3_600_000).toISOString(),
          new Date(createdAt).toISOString(),
        ];
        row.forEach((value, i) => columns[i].push(value));
      }
      await client.query(INSERT_CONTACTS, columns);
    }
    await client.query('VACUUM ANALYZE contact_requests');
  });
  log(`loaded ${count.toLocaleString('en-US')} contact requests in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}
