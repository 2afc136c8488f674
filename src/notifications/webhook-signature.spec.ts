import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { signWebhook, verifyWebhookSignature } from './webhook-signature.js';

const SECRET = 'test-webhook-secret-0123456789';
const BODY = '{"event":"contact_request.created","id":"0b9f7a8e-1c2d-4e5f-8a9b-0c1d2e3f4a5b"}';
const TS = 1_798_000_000;

describe('signWebhook', () => {
  it('is sha256=<hex HMAC-SHA256> over "<timestamp>.<body>"', () => {
    const expected = createHmac('sha256', SECRET).update(`${TS}.${BODY}`).digest('hex');
    expect(signWebhook(SECRET, TS, BODY)).toBe(`sha256=${expected}`);
    expect(signWebhook(SECRET, TS, BODY)).toMatch(/^sha256=[0-9a-f]{64}$/);
  });

  it('matches a known vector', () => {
    expect(signWebhook('secret', 0, '{}')).toBe(
      `sha256=${createHmac('sha256', 'secret').update('0.{}').digest('hex')}`,
    );
  });

  it('depends on the secret, the timestamp and every byte of the body', () => {
    const base = signWebhook(SECRET, TS, BODY);
    expect(signWebhook(`${SECRET}x`, TS, BODY)).not.toBe(base);
    expect(signWebhook(SECRET, TS + 1, BODY)).not.toBe(base);
    expect(signWebhook(SECRET, TS, `${BODY} `)).not.toBe(base);
  });
});

describe('verifyWebhookSignature', () => {
  const signed = (body = BODY, ts = TS) => ({ signature: signWebhook(SECRET, ts, body), timestamp: String(ts), body });

  it('accepts a valid signature within the tolerance window', () => {
    expect(verifyWebhookSignature(SECRET, signed(), { nowSeconds: TS })).toBe(true);
    expect(verifyWebhookSignature(SECRET, signed(), { nowSeconds: TS + 300 })).toBe(true);
    expect(verifyWebhookSignature(SECRET, signed(), { nowSeconds: TS - 300 })).toBe(true);
  });

  it('refuses a timestamp outside the window (replays)', () => {
    expect(verifyWebhookSignature(SECRET, signed(), { nowSeconds: TS + 301 })).toBe(false);
    expect(verifyWebhookSignature(SECRET, signed(), { nowSeconds: TS - 301 })).toBe(false);
    expect(verifyWebhookSignature(SECRET, signed(), { nowSeconds: TS + 3600, toleranceSeconds: 3600 })).toBe(true);
  });

  it('uses the current time by default', () => {
    const now = Math.floor(Date.now() / 1000);
    expect(verifyWebhookSignature(SECRET, signed(BODY, now))).toBe(true);
    expect(verifyWebhookSignature(SECRET, signed(BODY, now - 3600))).toBe(false);
  });

  it('refuses a changed body, another secret, a moved timestamp and malformed headers', () => {
    const good = signed();
    const at = { nowSeconds: TS };
    expect(verifyWebhookSignature(SECRET, { ...good, body: BODY.replace('created', 'deleted') }, at)).toBe(false);
    expect(verifyWebhookSignature('another-secret-0123456789', good, at)).toBe(false);
    expect(verifyWebhookSignature(SECRET, { ...good, timestamp: String(TS + 1) }, at)).toBe(false);
    for (const signature of [undefined, '', 'sha256=', good.signature.toUpperCase(), good.signature.slice(0, -1)]) {
      expect(verifyWebhookSignature(SECRET, { ...good, signature }, at)).toBe(false);
    }
    for (const timestamp of [undefined, '', '1.5', '-1', ' 1798000000', '1e9', '9'.repeat(13)]) {
      expect(verifyWebhookSignature(SECRET, { ...good, timestamp }, at)).toBe(false);
    }
  });

  it('verifies whatever it signs (property)', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1 }),
        fc.string(),
        fc.integer({ min: 0, max: 2 ** 33 }),
        (secret, body, ts) => {
          const webhook = { signature: signWebhook(secret, ts, body), timestamp: String(ts), body };
          expect(verifyWebhookSignature(secret, webhook, { nowSeconds: ts })).toBe(true);
          expect(verifyWebhookSignature(`${secret}!`, webhook, { nowSeconds: ts })).toBe(false);
        },
      ),
    );
  });
});
