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

/** A second, longer budget on top of the login window: it does not refill before its window ends. */
export interface AttemptCap {
  limit: number;
  windowSeconds: number;
}

/**
 * Attempts counted per subject rather than per client, for checks a route's own request cannot key (a second-factor
 * code is tied to the account of its challenge token, not to a field of the body). Same rules as the login policy
 * (RATE_LIMIT_LOGIN_LIMIT per RATE_LIMIT_LOGIN_WINDOW_SECONDS, the same store, the same fail mode): the attempt is
 * charged before it runs, so concurrent guesses see each other; refused with 429 once the subject has used its
 * budget; refunded unless `counts` says the outcome spends it. An optional `cap` adds a longer window (e.g. 20
 * per 24 h) that does not refill every minute: once spent, 429 with Retry-After until that window ends or `reset`.
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
    cap?: AttemptCap,
  ): Promise<T> {
    const { limit, windowSeconds } = this.config.rateLimits.login;
    const budgets = [{ counter: counterOf(key), limit, windowMs: windowSeconds * 1000 }];
    if (cap) budgets.push({ counter: capCounterOf(key), limit: cap.limit, windowMs: cap.windowSeconds * 1000 });
    const charged: string[] = [];
    const refundAll = () => Promise.all(charged.map((counter) => this.storage.refund(counter)));
    for (const budget of budgets) {
      const record = await this.storage.increment(budget.counter, budget.windowMs, NEVER, budget.windowMs, key.purpose);
      if (isUncounted(record)) {
        if (this.config.rateLimits.failMode === 'closed') {
          await refundAll();
          this.metrics.rateLimitRejected(key.purpose);
          throw rateLimitedException(storeUnavailableOutcome(budget.limit));
        }
        continue;
      }
      charged.push(budget.counter);
      if (record.totalHits > budget.limit) {
        await refundAll();
        this.metrics.rateLimitRejected(key.purpose);
        throw rateLimitedException({
          totalHits: record.totalHits,
          limit: budget.limit,
          timeToExpire: record.timeToExpire,
          isBlocked: true,
          timeToBlockExpire: record.timeToExpire,
        });
      }
    }
    let value: T;
    try {
      value = await attempt();
    } catch (error) {
      if (!counts({ error })) await refundAll();
      throw error;
    }
    if (!counts({ value })) await refundAll();
    return value;
  }

  /** Forgets the subject's counters, the long cap's included (an admin reset the factor the attempts were for). */
  async reset(key: AttemptBudgetKey): Promise<void> {
    await this.storage.forget(counterOf(key));
    await this.storage.forget(capCounterOf(key));
  }
}

const counterOf = (key: AttemptBudgetKey) => `${key.purpose}:attempts:${key.subject}`;
const capCounterOf = (key: AttemptBudgetKey) => `${key.purpose}:attempts-cap:${key.subject}`;
