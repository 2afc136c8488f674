import type { ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { AppConfig } from '../config/app-config.js';
import type { CounterStore } from './fixed-window.js';
import { loginFailureKeys, settleLoginCharge } from './login-failures.js';
import { MemoryThrottlerStorage } from './memory-throttler.storage.js';
import { LoginRateLimit, SkipRateLimit, SubmissionRateLimit } from './rate-limit.decorators.js';
import { RateLimitGuard } from './rate-limit.guard.js';

const config = {
  rateLimits: {
    general: { limit: 100, windowSeconds: 60 },
    login: { limit: 2, windowSeconds: 60, emailLimit: 3 },
    submission: { limit: 1, windowSeconds: 600 },
  },
} as AppConfig;

@SubmissionRateLimit()
class PublicController {
  submit(): void {}

  @LoginRateLimit({ failedWhen: () => true })
  login(): void {}

  @SkipRateLimit()
  health(): void {}
}

class PlainController {
  open(): void {}
}

class PlainLogin {
  @LoginRateLimit({ failedWhen: () => true })
  login(): void {}
}

function call(
  guard: RateLimitGuard,
  target: { controller: object; handler: () => void; body?: unknown; ip?: string; type?: string },
) {
  const headers: Record<string, string> = {};
  const request = { ip: target.ip ?? '192.0.2.1', body: target.body };
  const reply = { headers: (h: Record<string, string>) => Object.assign(headers, h) };
  const context = {
    getType: () => target.type ?? 'http',
    getHandler: () => target.handler,
    getClass: () => target.controller,
    switchToHttp: () => ({ getRequest: () => request, getResponse: () => reply }),
  } as unknown as ExecutionContext;
  return { result: guard.canActivate(context), headers, request };
}

describe('RateLimitGuard', () => {
  let storage: MemoryThrottlerStorage;
  let guard: RateLimitGuard;
  const now = Date.UTC(2030, 0, 1);

  beforeEach(() => {
    storage = new MemoryThrottlerStorage(() => now);
    guard = new RateLimitGuard(new Reflector(), config, storage);
  });

  it('applies the general ceiling to a route without opt-in', async () => {
    const { result, headers } = call(guard, { controller: PlainController, handler: PlainController.prototype.open });
    await expect(result).resolves.toBe(true);
    expect(headers).toEqual({ 'RateLimit-Limit': '100', 'RateLimit-Remaining': '99', 'RateLimit-Reset': '60' });
    expect(storage.size).toBe(1);
  });

  it('merges a class-level opt-in with a method-level one', async () => {
    const handler = PublicController.prototype.login;
    const body = { email: 'Pat@Example.com' };
    const first = call(guard, { controller: PublicController, handler, body });
    await expect(first.result).resolves.toBe(true);
    // general and submission (class) count the request; login charges a failure to the IP, email and pair.
    expect(storage.size).toBe(5);
    // The submission counter (limit 1) is the most constrained.
    expect(first.headers).toEqual({ 'RateLimit-Limit': '1', 'RateLimit-Remaining': '0', 'RateLimit-Reset': '600' });
  });

  describe('login: failures only', () => {
    const handler = PlainLogin.prototype.login;
    const fail = async (ip: string, email = 'pat@example.com') => {
      const keys = loginFailureKeys(ip, email);
      for (const key of [keys.ip, keys.email, keys.emailFromIp]) {
        if (key) await storage.increment(key, 60_000, Number.MAX_SAFE_INTEGER, 60_000);
      }
    };
    const attempt = (ip: string, email = 'pat@example.com') =>
      call(guard, { controller: PlainLogin, handler, body: { email, password: 'x' }, ip });
    /** What the onSend hook does for an attempt that did not fail. */
    const refundCharges = (request: object) => settleLoginCharge(request, storage);

    it('charges each attempt as a failure until told otherwise, so a success costs nothing', async () => {
      for (let i = 0; i < 5; i++) {
        const { result, headers, request } = attempt('192.0.2.1');
        await expect(result).resolves.toBe(true);
        // The budget as it stands if this attempt fails.
        expect(headers).toEqual({ 'RateLimit-Limit': '2', 'RateLimit-Remaining': '1', 'RateLimit-Reset': '60' });
        await refundCharges(request);
      }
    });

    it('refuses concurrent attempts beyond the failure budget before any of them has failed', async () => {
      const burst = ['a', 'b', 'c', 'd'].map((name) => attempt('192.0.2.9', `${name}@example.com`).result);
      const settled = await Promise.allSettled(burst);
      expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'rejected']);
    });

    it('lets one of concurrent attempts from a new client at an email out of failures through, not all', async () => {
      for (const ip of ['192.0.2.1', '192.0.2.2', '192.0.2.3']) await fail(ip);
      const burst = await Promise.allSettled(
        ['198.51.100.1', '198.51.100.1'].map((ip) => attempt(ip, 'pat@example.com').result),
      );
      expect(burst.map((s) => s.status)).toEqual(['fulfilled', 'rejected']);
      expect(burst[1]).toMatchObject({ reason: { code: 'rate_limited' } });
      // The refused one was refunded: the owner, elsewhere, may still try, and so may this client, at other emails.
      await expect(attempt('198.51.100.2').result).resolves.toBe(true);
      await expect(attempt('198.51.100.1', 'kim@example.com').result).resolves.toBe(true);
    });

    it('refuses an IP that used up its failures, whatever the email', async () => {
      await fail('192.0.2.1', 'pat@example.com');
      const half = attempt('192.0.2.1', 'kim@example.com');
      await expect(half.result).resolves.toBe(true);
      expect(half.headers).toEqual({ 'RateLimit-Limit': '2', 'RateLimit-Remaining': '0', 'RateLimit-Reset': '60' });
      // That attempt failed too (its charge is kept): the IP is out of failures.
      await expect(attempt('192.0.2.1', 'lee@example.com').result).rejects.toMatchObject({
        code: 'rate_limited',
        options: { headers: { 'Retry-After': '60', 'RateLimit-Limit': '2', 'RateLimit-Remaining': '0' } },
      });
      await expect(attempt('192.0.2.2', 'lee@example.com').result).resolves.toBe(true);
    });

    it('refuses an email out of failures only to the clients that failed on it', async () => {
      await fail('192.0.2.1');
      await fail('192.0.2.2');
      await fail('192.0.2.3');
      for (const ip of ['192.0.2.1', '192.0.2.2', '192.0.2.3']) {
        await expect(attempt(ip).result).rejects.toMatchObject({
          code: 'rate_limited',
          options: { headers: { 'Retry-After': '60', 'RateLimit-Limit': '3', 'RateLimit-Remaining': '0' } },
        });
      }
      // A client that has not failed on it (the account's owner, elsewhere) may still try.
      const owner = attempt('198.51.100.7');
      await expect(owner.result).resolves.toBe(true);
      await refundCharges(owner.request);
      // And the failing ones may still try other emails.
      await expect(attempt('192.0.2.1', 'kim@example.com').result).resolves.toBe(true);
    });
  });

  it('skips a route marked @SkipRateLimit() entirely', async () => {
    const { result, headers } = call(guard, {
      controller: PublicController,
      handler: PublicController.prototype.health,
    });
    await expect(result).resolves.toBe(true);
    expect(headers).toEqual({});
    expect(storage.size).toBe(0);
  });

  it('ignores contexts other than HTTP', async () => {
    const { result } = call(guard, {
      controller: PlainController,
      handler: PlainController.prototype.open,
      type: 'rpc',
    });
    await expect(result).resolves.toBe(true);
    expect(storage.size).toBe(0);
  });

  it('lets the request through without headers when the store could not count it', async () => {
    const unavailable: CounterStore = {
      increment: () =>
        Promise.resolve({ totalHits: 0, timeToExpire: 0, isBlocked: false, timeToBlockExpire: 0, unavailable: true }),
      refund: () => Promise.resolve(),
    };
    const failOpen = new RateLimitGuard(new Reflector(), config, unavailable);
    const { result, headers } = call(failOpen, {
      controller: PublicController,
      handler: PublicController.prototype.login,
      body: { email: 'pat@example.com' },
    });
    await expect(result).resolves.toBe(true);
    expect(headers).toEqual({});
  });
});
