import { Inject, Injectable } from '@nestjs/common';
import { Metrics } from '../common/metrics/metrics.js';
import { AppConfig } from '../config/app-config.js';
import type { CounterStore } from './fixed-window.js';
import { NEVER } from './login-failures.js';
import { RATE_LIMIT_STORAGE } from './rate-limit.options.js';
import { rateLimitedException, storeUnavailableOutcome } from './rate-limit.policy.js';
import { isUncounted } from './redis-throttler.storage.js';

/** What an attempt counts against: a subject (an account, an email digest) within one purpose. */
export interface AttemptBudgetKey {
  /** `mfa`, `password-reset`: the counter's name in metrics and its key prefix. */
  purpose: string;
  /** Never personal data in clear: a user id, or an email digest (`emailDigest`). */
  subject: string;
}

/**
 * Attempts counted per subject rather than per client, for checks a route's own request cannot key (a second-factor
 * code is tied to the account of its challenge token, not to a field of the body). Same rules as the login policy
 * (RATE_LIMIT_LOGIN_LIMIT per RATE_LIMIT_LOGIN_WINDOW_SECONDS, the same store, the same fail mode): the attempt is
 * charged before it runs, so concurrent guesses see each other; refused with 429 once the subject has used its
 * budget; refunded unless `counts` says the outcome spends it.
 */
@Injectable()
export class AttemptBudget {
  constructor(
    @Inject(RATE_LIMIT_STORAGE) private readonly storage: CounterStore,
    private readonly config: AppConfig,
    private readonly metrics: Metrics,
  ) {}

  async run<T>(
    key: AttemptBudgetKey,
    attempt: () => Promise<T>,
    counts: (outcome: { error: unknown } | { value: T }) => boolean,
  ): Promise<T> {
    const { limit, windowSeconds } = this.config.rateLimits.login;
    const windowMs = windowSeconds * 1000;
    const counter = `${key.purpose}:attempts:${key.subject}`;
    const record = await this.storage.increment(counter, windowMs, NEVER, windowMs, key.purpose);
    if (isUncounted(record)) {
      if (this.config.rateLimits.failMode === 'closed') {
        this.metrics.rateLimitRejected(key.purpose);
        throw rateLimitedException(storeUnavailableOutcome(limit));
      }
      return attempt();
    }
    if (record.totalHits > limit) {
      await this.storage.refund(counter);
      this.metrics.rateLimitRejected(key.purpose);
      throw rateLimitedException({
        totalHits: record.totalHits,
        limit,
        timeToExpire: record.timeToExpire,
        isBlocked: true,
        timeToBlockExpire: record.timeToExpire,
      });
    }
    let value: T;
    try {
      value = await attempt();
    } catch (error) {
      if (!counts({ error })) await this.storage.refund(counter);
      throw error;
    }
    if (!counts({ value })) await this.storage.refund(counter);
    return value;
  }
}
