import type { AppConfig } from '../config/app-config.js';
import { Metrics } from '../common/metrics/metrics.js';
import type { AppException } from '../common/errors/app-exception.js';
import { AttemptBudget } from './attempt-budget.js';
import { MemoryThrottlerStorage } from './memory-throttler.storage.js';

const config = {
  rateLimits: { login: { limit: 3, windowSeconds: 60, emailLimit: 10 }, failMode: 'closed' },
} as AppConfig;
const CAP = { limit: 5, windowSeconds: 24 * 60 * 60 };
const KEY = { purpose: 'mfa', subject: 'user-1' };

describe('AttemptBudget', () => {
  let now: number;
  let budget: AttemptBudget;

  beforeEach(() => {
    now = Date.UTC(2031, 4, 6, 8);
    budget = new AttemptBudget(new MemoryThrottlerStorage(() => now), config, new Metrics({ processMetrics: false }));
  });

  const fail = () =>
    budget.run(
      KEY,
      () => Promise.reject(new Error('wrong code')),
      () => true,
      CAP,
    );
  const succeed = () =>
    budget.run(
      KEY,
      () => Promise.resolve('ok'),
      () => false,
      CAP,
    );

  it('refuses past the login window’s limit, and refills when the window ends', async () => {
    for (let i = 0; i < 3; i++) await expect(fail()).rejects.toThrow('wrong code');
    await expect(succeed()).rejects.toMatchObject({ code: 'rate_limited' });
    now += 60_000;
    await expect(succeed()).resolves.toBe('ok');
  });

  it('caps failures over the long window: 429 with Retry-After until it ends, whatever the short window does', async () => {
    for (let i = 0; i < 5; i++) {
      if (i === 3) now += 60_000;
      await expect(fail()).rejects.toThrow('wrong code');
    }
    now += 60_000;
    const refused = await succeed().catch((error: unknown) => error);
    expect(refused).toMatchObject({ code: 'rate_limited' });
    const retryAfter = Number((refused as AppException).options.headers?.['Retry-After']);
    expect(retryAfter).toBeGreaterThan(23 * 60 * 60);
    expect(retryAfter).toBeLessThanOrEqual(24 * 60 * 60);
    // Refused attempts are not charged: an hour later it is still the same day's window.
    now += 60 * 60_000;
    await expect(succeed()).rejects.toMatchObject({ code: 'rate_limited' });
    now += 23 * 60 * 60_000;
    await expect(succeed()).resolves.toBe('ok');
  });

  it('lifts the cap when reset (an admin reset the factor)', async () => {
    for (let i = 0; i < 5; i++) {
      now += 60_000;
      await expect(fail()).rejects.toThrow('wrong code');
    }
    await expect(succeed()).rejects.toMatchObject({ code: 'rate_limited' });
    await budget.reset(KEY);
    await expect(succeed()).resolves.toBe('ok');
    // Another subject never shared the counter.
    await expect(
      budget.run(
        { purpose: 'mfa', subject: 'user-2' },
        () => Promise.resolve(1),
        () => false,
        CAP,
      ),
    ).resolves.toBe(1);
  });

  it('does not charge successes', async () => {
    for (let i = 0; i < 10; i++) await expect(succeed()).resolves.toBe('ok');
  });
});
