import { createHmac, randomBytes } from 'node:crypto';
import type { DataCipher } from '../common/crypto/data-cipher.js';
import type { WebhookEndpoint } from './webhook-endpoint.entity.js';

/** Standard Webhooks secrets: `whsec_` and the base64 of the HMAC key. */
export const SECRET_PREFIX = 'whsec_';
const SECRET_BYTES = 32;
/** How long the secret before a rotation keeps signing, so receivers can switch without missing a delivery. */
export const ROTATION_OVERLAP_MS = 24 * 60 * 60 * 1000;

export function generateEndpointSecret(): string {
  return `${SECRET_PREFIX}${randomBytes(SECRET_BYTES).toString('base64')}`;
}

/**
 * The endpoint secret of NOTIFY_WEBHOOK_SECRET: its UTF-8 bytes are the HMAC key, the key the old `X-Signature`
 * used, so receivers verifying that header keep working and can verify `webhook-signature` with the same secret.
 */
export function endpointSecretOfLegacy(legacySecret: string): string {
  return `${SECRET_PREFIX}${Buffer.from(legacySecret, 'utf8').toString('base64')}`;
}

/** The HMAC key of a `whsec_` secret. */
export function keyOf(secret: string): Buffer {
  return Buffer.from(secret.slice(SECRET_PREFIX.length), 'base64');
}

/** The encryption contexts of an endpoint's secrets: a ciphertext moved to another row or column does not decrypt. */
export const secretContext = (endpointId: string) => `webhook_endpoints.secret:${endpointId}`;
export const previousSecretContext = (endpointId: string) => `webhook_endpoints.previous_secret:${endpointId}`;

/** The secrets that sign now: the current one, and the one before a rotation until its overlap ends. */
export function signingSecrets(endpoint: WebhookEndpoint, cipher: DataCipher, now: Date): string[] {
  const secrets = [cipher.decrypt(endpoint.secret, secretContext(endpoint.id))];
  if (endpoint.previousSecret && endpoint.previousSecretExpiresAt && endpoint.previousSecretExpiresAt > now) {
    secrets.push(cipher.decrypt(endpoint.previousSecret, previousSecretContext(endpoint.id)));
  }
  return secrets;
}

/**
 * The Standard Webhooks headers of one attempt: `webhook-id` (the message, the same on every attempt),
 * `webhook-timestamp` (Unix seconds, signed with it) and `webhook-signature`, one `v1,<base64>` per secret,
 * space-separated (receivers accept the message when any one verifies).
 */
export function standardWebhookHeaders(
  secrets: readonly string[],
  messageId: string,
  at: Date,
  body: string,
): Record<'webhook-id' | 'webhook-timestamp' | 'webhook-signature', string> {
  const timestamp = Math.floor(at.getTime() / 1000);
  return {
    'webhook-id': messageId,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': secrets.map((secret) => standardSignature(secret, messageId, timestamp, body)).join(' '),
  };
}

/**
 * One `webhook-signature` entry, as the Standard Webhooks specification defines it (and its libraries verify it):
 * `v1,` and the base64 HMAC-SHA256, keyed by the secret, of `id.timestamp.body`. Node's HMAC rather than the
 * reference library's JavaScript SHA-256: one per delivery and secret.
 */
function standardSignature(secret: string, messageId: string, timestamp: number, body: string): string {
  const mac = createHmac('sha256', keyOf(secret)).update(`${messageId}.${timestamp}.${body}`).digest('base64');
  return `v1,${mac}`;
}
