import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppConfig, type RateLimitPolicy } from '../config/app-config.js';
import { RATE_LIMIT_OPT_INS, RATE_LIMIT_SKIP } from './rate-limit.decorators.js';
import type { CounterStore } from './fixed-window.js';
import { emailLockout, failureOutcome, loginFailureKeys } from './login-failures.js';
import { clientKey, counterKeys, loginEmail } from './rate-limit.keys.js';
import { RATE_LIMIT_STORAGE } from './rate-limit.options.js';
import {
  applicablePolicies,
  type CounterOutcome,
  mostConstrained,
  rateLimitedException,
  rateLimitHeaders,
} from './rate-limit.policy.js';
import { isUncounted } from './redis-throttler.storage.js';

/**
 * Applies the named policies to every HTTP route. For each policy that applies, each of its counters is
 * incremented in the store (throttler v6 semantics: the hit over the limit starts a block of one window);
 * the first counter over its limit answers 429 problem+json. Allowed responses carry the standard
 * `RateLimit-*` headers of the most constrained counter.
 *
 * Why not `ThrottlerGuard`: @nestjs/throttler 6.7.1 is CommonJS and require()s the ESM-only Nest 12
 * packages, which Jest cannot load on Node 20. Only its types are used here (erased at compile time); the
 * stores are genuine `ThrottlerStorage`s.
 */
@Injectable()
export class RateLimitGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly config: AppConfig,
    @Inject(RATE_LIMIT_STORAGE) private readonly storage: CounterStore,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const targets = [context.getHandler(), context.getClass()];
    const policies = applicablePolicies(this.config.rateLimits, {
      skip: this.reflector.getAllAndOverride<boolean | undefined>(RATE_LIMIT_SKIP, targets) === true,
      optIns: this.reflector.getAllAndMerge<RateLimitPolicy[]>(RATE_LIMIT_OPT_INS, targets) ?? [],
    });
    if (policies.length === 0) return true;

    const request = context.switchToHttp().getRequest<FastifyRequest>();
    // `request.ip` as Fastify computes it, honouring TRUST_PROXY.
    const ip = clientKey(request.ip);
    const outcomes: CounterOutcome[] = [];
    for (const { policy, limit, windowMs } of policies) {
      if (policy === 'login') {
        const budget = await this.loginBudget(ip, loginEmail(request.body), limit, windowMs);
        if (budget) outcomes.push(budget);
        continue;
      }
      for (const key of counterKeys(policy, ip)) {
        const record = await this.storage.increment(key, windowMs, limit, windowMs, policy);
        if (isUncounted(record)) continue;
        const outcome: CounterOutcome = { ...record, limit };
        if (outcome.isBlocked) throw rateLimitedException(outcome);
        outcomes.push(outcome);
      }
    }

    const constrained = mostConstrained(outcomes);
    if (constrained) void context.switchToHttp().getResponse<FastifyReply>().headers(rateLimitHeaders(constrained));
    return true;
  }

  /**
   * Sign-in counts failures only (LoginFailureInterceptor counts them), so a correct password is never refused
   * because of someone else's guesses. This client is refused when its IP has used up its failures, or when the
   * email has used up its own (larger) budget AND this client is one that failed on it: the account's owner,
   * signing in from elsewhere, still gets in while an attacker is locked out. The outcome returned is this IP's
   * failure budget as it stands before the attempt.
   */
  private async loginBudget(ip: string, email: string | undefined, limit: number, windowMs: number) {
    const keys = loginFailureKeys(ip, email);
    const byIp = failureOutcome(await this.storage.peek(keys.ip), limit, windowMs);
    if (byIp?.isBlocked) throw rateLimitedException(byIp);
    if (keys.email !== undefined && keys.emailFromIp !== undefined) {
      const emailReading = await this.storage.peek(keys.email);
      const emailLimit = this.config.rateLimits.login.emailLimit;
      if (emailReading !== undefined && emailReading.hits >= emailLimit) {
        const locked = emailLockout(emailReading, await this.storage.peek(keys.emailFromIp), emailLimit);
        if (locked) throw rateLimitedException(locked);
      }
    }
    return byIp;
  }
}
