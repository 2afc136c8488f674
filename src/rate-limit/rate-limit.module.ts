import { Inject, Logger, Module, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { ApiKeysModule } from '../api-keys/index.js';
import { AppConfig } from '../config/app-config.js';
import { AttemptBudget } from './attempt-budget.js';
import type { CounterStore } from './fixed-window.js';
import { loginChargeSettler } from './login-failures.js';
import { LoginFailureInterceptor } from './login-failures.interceptor.js';
import { MemoryThrottlerStorage } from './memory-throttler.storage.js';
import { RateLimitStoreHealth } from './rate-limit-store.health.js';
import { RateLimitGuard } from './rate-limit.guard.js';
import { REDIS_KEY_PREFIX } from './rate-limit.keys.js';
import { RATE_LIMIT_STORAGE, RATE_LIMIT_STORE_OPTIONS, type RateLimitStoreOptions } from './rate-limit.options.js';
import { RedisThrottlerStorage } from './redis-throttler.storage.js';

/** Redis when REDIS_URL is set (counters shared by every instance), else this process's memory. */
export async function createRateLimitStorage(
  config: AppConfig,
  options: RateLimitStoreOptions | undefined,
): Promise<CounterStore> {
  const logger = new Logger('RateLimit');
  if (config.redisUrl) {
    logger.log('Rate-limit counters in Redis, shared by every instance');
    return RedisThrottlerStorage.connect(config.redisUrl, {
      keyPrefix: options?.keyPrefix ?? REDIS_KEY_PREFIX,
      logger,
      failMode: config.rateLimits.failMode,
    });
  }
  logger.log('Rate-limit counters in memory: each instance counts on its own (set REDIS_URL to share them)');
  return new MemoryThrottlerStorage(options?.clock);
}

/**
 * Rate limits for every route: the `general` per-IP ceiling (per key for `site` API keys, hence the API keys
 * feature), plus `login` and `submission` on the routes that opt in (rate-limit.decorators.ts). Its guard and interceptor are registered, in order, by AppModule (the
 * guard first, so refused credentials still count). A sign-in attempt's charge is settled
 * by an onSend hook, so that it is refunded whatever answered the request (a later guard's 401 or 400 included).
 */
@Module({
  imports: [ApiKeysModule],
  providers: [
    {
      provide: RATE_LIMIT_STORAGE,
      useFactory: createRateLimitStorage,
      inject: [AppConfig, { token: RATE_LIMIT_STORE_OPTIONS, optional: true }],
    },
    RateLimitGuard,
    LoginFailureInterceptor,
    RateLimitStoreHealth,
    AttemptBudget,
  ],
  exports: [RateLimitGuard, LoginFailureInterceptor, RateLimitStoreHealth, AttemptBudget],
})
export class RateLimitModule implements OnModuleInit {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    @Inject(RATE_LIMIT_STORAGE) private readonly storage: CounterStore,
  ) {}

  /** Before the server is ready: Fastify takes hooks until then, for the routes already declared too. */
  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    fastify.addHook('onSend', loginChargeSettler(this.storage));
  }
}
