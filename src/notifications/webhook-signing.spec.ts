import fc from 'fast-check';
import { Webhook } from 'standardwebhooks';
import { generateEndpointSecret, standardWebhookHeaders } from './webhook-signing.js';

describe('standardWebhookHeaders', () => {
  it("signs as the Standard Webhooks reference library signs, and every secret's signature verifies", () => {
    fc.assert(
      fc.property(fc.uuid(), fc.integer({ min: 1_600_000_000, max: 2_000_000_000 }), fc.json(), (id, seconds, body) => {
        const at = new Date(seconds * 1000 + 123);
        const secrets = [generateEndpointSecret(), generateEndpointSecret()];
        const headers = standardWebhookHeaders(secrets, id, at, body);
        expect(headers['webhook-id']).toBe(id);
        expect(headers['webhook-timestamp']).toBe(String(seconds));
        expect(headers['webhook-signature']).toBe(
          secrets.map((secret) => new Webhook(secret).sign(id, at, body)).join(' '),
        );
        for (const secret of secrets) {
          // The library checks the timestamp against its own clock: a fresh one for this check.
          const now = new Date();
          const fresh = standardWebhookHeaders([secret], id, now, body);
          expect(() => new Webhook(secret).verify(body, fresh)).not.toThrow();
        }
      }),
      { numRuns: 50 },
    );
  });
});
