import type { ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { AppConfig } from '../config/app-config.js';
import type { CounterStore } from './fixed-window.js';
import { loginFailureKeys, settleLoginCharge } from './login-failures.js';
import { MemoryThrottlerStorage } from './memory-throttler.storage.js';
import { LoginRateLimit, SkipRateLimit, SubmissionRateLimit } from './rate-limit.decorators.js';
import { Metrics } from '../common/metrics/metrics.js';
import { RateLimitGuard, type SiteKeys } from './rate-limit.guard.js';
import { clientIpOf } from './site-clients.js';

const config = {
  rateLimits: {
    general: { limit: 100, windowSeconds: 60 },
    login: { limit: 2, windowSeconds: 60, emailLimit: 3 },
    submission: { limit: 1, windowSeconds: 600 },
    site: { limit: 1000, windowSeconds: 30 },
    failMode: 'closed',
  },
} as AppConfig;

const SITE_SECRET = 'wck_site-secret';
const OTHER_SECRET = 'wck_feed-secret';

/** The API keys feature as the guard sees it: one site key; lookups of other secrets are admitted, then refused. */
function fakeSiteKeys() {
  const state = { lookups: 0, admitted: 0, used: 0 };
  const siteKeys: SiteKeys = {
    siteKey: async (secret, admitLookup) => {
      state.lookups += 1;
      // The site key is always in the cache; every other secret would cost a query.
      if (secret !== SITE_SECRET) {
        if (await admitLookup()) state.admitted += 1;
        return undefined;
      }
      return { id: 'site-key-1', scopes: ['site'] } as never;
    },
    markUsed: () => {
      state.used += 1;
      return Promise.resolve();
    },
  };
  return { siteKeys, state };
}

/** A store that cannot count anything (Redis down). */
const unavailable: CounterStore = {
  increment: () =>
    Promise.resolve({ totalHits: 0, timeToExpire: 0, isBlocked: false, timeToBlockExpire: 0, unavailable: true }),
  refund: () => Promise.resolve(),
  forget: () => Promise.resolve(),
};

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
  target: {
    controller: object;
    handler: () => void;
    body?: unknown;
    ip?: string;
    type?: string;
    headers?: Record<string, string>;
  },
) {
  const headers: Record<string, string> = {};
  const request = { ip: target.ip ?? '192.0.2.1', body: target.body, headers: target.headers ?? {} };
  const reply = { headers: (h: Record<string, string>) => Object.assign(headers, h) };
  const context = {
    getType: () => target.type ?? 'http',
    getHandler: () => target.handler,
    getClass: () => target.controller,
    switchToHttp: () => ({ getRequest: () => request, getResponse: () => reply }),
  } as unknown as ExecutionContext;
  return { result: guard.canActivate(context), headers, request };
}

/** Without Node's process metrics: a registry of the guard's own counters. */
const metrics = new Metrics({ processMetrics: false });

describe('RateLimitGuard', () => {
  let storage: MemoryThrottlerStorage;
  let guard: RateLimitGuard;
  const now = Date.UTC(2030, 0, 1);

  beforeEach(() => {
    storage = new MemoryThrottlerStorage(() => now);
    guard = new RateLimitGuard(new Reflector(), config, storage, fakeSiteKeys().siteKeys, metrics);
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

  describe('when the store cannot count', () => {
    const UNAVAILABLE = {
      code: 'rate_limited',
      options: {
        headers: { 'Retry-After': '5', 'RateLimit-Remaining': '0', 'RateLimit-Reset': '5' },
      },
    };

    it('fails closed by default: refuses sign-ins and submissions with Retry-After, lets other routes through', async () => {
      const failClosed = new RateLimitGuard(new Reflector(), config, unavailable, fakeSiteKeys().siteKeys, metrics);
      const login = call(failClosed, {
        controller: PlainLogin,
        handler: PlainLogin.prototype.login,
        body: { email: 'pat@example.com' },
      });
      await expect(login.result).rejects.toMatchObject({
        ...UNAVAILABLE,
        options: { headers: { ...UNAVAILABLE.options.headers, 'RateLimit-Limit': '2' } },
      });
      const submit = call(failClosed, { controller: PublicController, handler: PublicController.prototype.submit });
      await expect(submit.result).rejects.toMatchObject({
        ...UNAVAILABLE,
        options: { headers: { ...UNAVAILABLE.options.headers, 'RateLimit-Limit': '1' } },
      });

      const open = call(failClosed, { controller: PlainController, handler: PlainController.prototype.open });
      await expect(open.result).resolves.toBe(true);
      expect(open.headers).toEqual({});
      // A site's budget fails open too.
      const site = call(failClosed, {
        controller: PlainController,
        handler: PlainController.prototype.open,
        headers: { 'x-api-key': SITE_SECRET },
      });
      await expect(site.result).resolves.toBe(true);
    });

    it('fails open with RATE_LIMIT_FAIL_MODE=open: everything passes uncounted, without headers', async () => {
      const openConfig = { rateLimits: { ...config.rateLimits, failMode: 'open' } } as AppConfig;
      const failOpen = new RateLimitGuard(new Reflector(), openConfig, unavailable, fakeSiteKeys().siteKeys, metrics);
      const { result, headers } = call(failOpen, {
        controller: PublicController,
        handler: PublicController.prototype.login,
        body: { email: 'pat@example.com' },
      });
      await expect(result).resolves.toBe(true);
      expect(headers).toEqual({});
    });

    it('refunds the counters it could charge when it refuses a sign-in it could not fully count', async () => {
      // The IP's counter is charged, the email's is not: refused, and the IP's charge given back.
      const flaky: CounterStore = {
        increment: (key, ttl, limit, block, name) =>
          key.startsWith('login:failed:ip:')
            ? storage.increment(key, ttl, limit, block)
            : unavailable.increment(key, ttl, limit, block, name),
        refund: (key) => storage.refund(key),
        forget: (key) => storage.forget(key),
      };
      const failClosed = new RateLimitGuard(new Reflector(), config, flaky, fakeSiteKeys().siteKeys, metrics);
      const login = call(failClosed, {
        controller: PlainLogin,
        handler: PlainLogin.prototype.login,
        body: { email: 'pat@example.com' },
      });
      await expect(login.result).rejects.toMatchObject({ code: 'rate_limited' });
      const ipKey = loginFailureKeys('192.0.2.1', 'pat@example.com').ip;
      expect((await storage.increment(ipKey, 60_000, 100, 60_000)).totalHits).toBe(1);
    });
  });

  describe('site keys', () => {
    const open = PlainController.prototype.open;
    const submit = PublicController.prototype.submit;

    it('counts a request with a site key against the key, with its own limit and window, not against the IP', async () => {
      const { siteKeys, state } = fakeSiteKeys();
      const siteGuard = new RateLimitGuard(new Reflector(), config, storage, siteKeys, metrics);
      const first = call(siteGuard, {
        controller: PlainController,
        handler: open,
        headers: { 'x-api-key': SITE_SECRET },
      });
      await expect(first.result).resolves.toBe(true);
      expect(first.headers).toEqual({
        'RateLimit-Limit': '1000',
        'RateLimit-Remaining': '999',
        'RateLimit-Reset': '30',
      });
      expect(state.used).toBe(1);
      // The same IP without the key has its whole general budget.
      const keyless = call(siteGuard, { controller: PlainController, handler: open });
      await expect(keyless.result).resolves.toBe(true);
      expect(keyless.headers).toEqual({
        'RateLimit-Limit': '100',
        'RateLimit-Remaining': '99',
        'RateLimit-Reset': '60',
      });
    });

    it('counts a relayed submission per visitor: the address just left of request.ip in X-Forwarded-For', async () => {
      const { siteKeys } = fakeSiteKeys();
      const siteGuard = new RateLimitGuard(new Reflector(), config, storage, siteKeys, metrics);
      const relay = (visitor: string) =>
        call(siteGuard, {
          controller: PublicController,
          handler: submit,
          headers: { 'x-api-key': SITE_SECRET, 'x-forwarded-for': `203.0.113.9, ${visitor}` },
        });
      const first = relay('198.51.100.1');
      await expect(first.result).resolves.toBe(true);
      expect(clientIpOf(first.request as never)).toBe('198.51.100.1');
      // Submission limit 1: the same visitor is refused, another is not.
      await expect(relay('198.51.100.1').result).rejects.toMatchObject({ code: 'rate_limited' });
      await expect(relay('198.51.100.2').result).resolves.toBe(true);
    });

    it('ignores X-Forwarded-For without a site key, and any key that is not a valid site key', async () => {
      const { siteKeys, state } = fakeSiteKeys();
      const siteGuard = new RateLimitGuard(new Reflector(), config, storage, siteKeys, metrics);
      const keyless = call(siteGuard, {
        controller: PublicController,
        handler: submit,
        headers: { 'x-forwarded-for': '198.51.100.1' },
      });
      await expect(keyless.result).resolves.toBe(true);
      expect(clientIpOf(keyless.request as never)).toBe('192.0.2.1');
      const other = call(siteGuard, {
        controller: PublicController,
        handler: submit,
        headers: { 'x-api-key': OTHER_SECRET, 'x-forwarded-for': '198.51.100.2' },
      });
      // Counted per IP: the IP's one submission is spent.
      await expect(other.result).rejects.toMatchObject({ code: 'rate_limited' });
      expect(state.used).toBe(0);
    });

    it('looks up at most the general limit of unknown secrets per IP per window', async () => {
      const { siteKeys, state } = fakeSiteKeys();
      const small = { rateLimits: { ...config.rateLimits, general: { limit: 3, windowSeconds: 60 } } } as AppConfig;
      const siteGuard = new RateLimitGuard(new Reflector(), small, storage, siteKeys, metrics);
      for (let i = 0; i < 5; i++) {
        await call(siteGuard, {
          controller: PlainController,
          handler: open,
          headers: { 'x-api-key': OTHER_SECRET },
        }).result.catch(() => undefined);
      }
      expect(state).toMatchObject({ lookups: 5, admitted: 3 });
      // Another IP may still have its keys looked up.
      await call(siteGuard, {
        controller: PlainController,
        handler: open,
        ip: '192.0.2.2',
        headers: { 'x-api-key': OTHER_SECRET },
      }).result;
      expect(state.admitted).toBe(4);
    });
  });
});
