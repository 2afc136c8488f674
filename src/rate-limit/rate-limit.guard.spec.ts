import type { ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { ThrottlerStorage } from '@nestjs/throttler';
import { AppException } from '../common/errors/app-exception.js';
import type { AppConfig } from '../config/app-config.js';
import { MemoryThrottlerStorage } from './memory-throttler.storage.js';
import { LoginRateLimit, SkipRateLimit, SubmissionRateLimit } from './rate-limit.decorators.js';
import { RateLimitGuard } from './rate-limit.guard.js';

const config = {
  rateLimits: {
    general: { limit: 100, windowSeconds: 60 },
    login: { limit: 2, windowSeconds: 60 },
    submission: { limit: 1, windowSeconds: 600 },
  },
} as AppConfig;

@SubmissionRateLimit()
class PublicController {
  submit(): void {}

  @LoginRateLimit()
  login(): void {}

  @SkipRateLimit()
  health(): void {}
}

class PlainController {
  open(): void {}
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
  return { result: guard.canActivate(context), headers };
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
    // general, submission (class), login per IP and per email.
    expect(storage.size).toBe(4);
    // The submission counter (limit 1) is the most constrained.
    expect(first.headers).toEqual({ 'RateLimit-Limit': '1', 'RateLimit-Remaining': '0', 'RateLimit-Reset': '600' });

    const second = call(guard, { controller: PublicController, handler, body, ip: '192.0.2.2' });
    await expect(second.result).resolves.toBe(true);
    const third = call(guard, { controller: PublicController, handler, body, ip: '192.0.2.3' });
    await expect(third.result).rejects.toEqual(expect.any(AppException));
    await expect(third.result).rejects.toMatchObject({
      code: 'rate_limited',
      options: { headers: { 'Retry-After': '60', 'RateLimit-Limit': '2' } },
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
    const unavailable: ThrottlerStorage = {
      increment: () =>
        Promise.resolve({ totalHits: 0, timeToExpire: 0, isBlocked: false, timeToBlockExpire: 0, unavailable: true }),
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
