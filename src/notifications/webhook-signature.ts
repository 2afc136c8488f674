import { createHmac, timingSafeEqual } from 'node:crypto';

/** Signatures older or newer than this are refused by `verifyWebhookSignature` (replay window). */
export const DEFAULT_TOLERANCE_SECONDS = 300;

/**
 * The signature of the first webhooks, still sent (beside the Standard Webhooks headers) to the endpoints made from
 * NOTIFY_WEBHOOK_URLS while their receivers move over. `X-Signature` of a webhook: `sha256=<hex HMAC-SHA256>` over `<timestamp>.<body>`, where the timestamp is the
 * `X-Signature-Timestamp` header (Unix seconds) and the body the exact bytes sent. Signing the timestamp with the
 * body lets receivers refuse replays of an old, validly signed request.
 */
export function signWebhook(secret: string | Buffer, timestampSeconds: number, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestampSeconds}.${body}`).digest('hex')}`;
}

export interface SignedWebhook {
  /** The `X-Signature` header. */
  signature: string | undefined;
  /** The `X-Signature-Timestamp` header. */
  timestamp: string | undefined;
  /** The raw request body, exactly as received (before any JSON parsing). */
  body: string;
}

/**
 * What a receiver does: recompute the signature, compare in constant time, and refuse a timestamp outside the
 * tolerance window. Self-contained (node:crypto only) so receivers can copy it.
 */
export function verifyWebhookSignature(
  secret: string,
  webhook: SignedWebhook,
  options: { nowSeconds?: number; toleranceSeconds?: number } = {},
): boolean {
  const { signature, timestamp, body } = webhook;
  if (!signature || !timestamp || !/^\d{1,12}$/.test(timestamp)) return false;
  const nowSeconds = options.nowSeconds ?? Math.floor(Date.now() / 1000);
  if (Math.abs(nowSeconds - Number(timestamp)) > (options.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS)) return false;
  const expected = Buffer.from(signWebhook(secret, Number(timestamp), body));
  const received = Buffer.from(signature);
  return received.length === expected.length && timingSafeEqual(received, expected);
}
