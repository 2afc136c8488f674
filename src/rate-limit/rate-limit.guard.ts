import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppConfig, type RateLimitPolicy } from '../config/app-config.js';
import { RATE_LIMIT_OPT_INS, RATE_LIMIT_SKIP } from './rate-limit.decorators.js';
import type { CounterStore } from './fixed-window.js';
import { emailLockout, holdLoginCharge, ipBudget, loginFailureKeys, NEVER } from './login-failures.js';
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
        const budget = await this.loginBudget(request, ip, loginEmail(request.body), limit, windowMs);
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
   * Sign-in counts failures only, so a correct password is never refused because of someone else's guesses. The
   * attempt is charged as a failure to its IP (and, with an email, to the email and the (email, IP) pair) before
   * anything is decided, and the decision reads the counters with the charge in them: concurrent guesses see each
   * other, so a burst cannot overrun a budget that none of them has failed yet. This client is refused (and its
   * charge refunded) when its IP is out of failures, or when the email is out of its own (larger) budget AND this
   * client is one that failed on it: the account's owner, signing in from elsewhere, still gets in while an attacker
   * is locked out. An attempt let through is settled when its reply is sent: kept if LoginFailureInterceptor saw the
   * credential refused, refunded otherwise (loginChargeSettler).
   */
  private async loginBudget(
    request: object,
    ip: string,
    email: string | undefined,
    limit: number,
    windowMs: number,
  ): Promise<CounterOutcome | undefined> {
    const keys = loginFailureKeys(ip, email);
    const charge = (key: string | undefined) =>
      key === undefined ? undefined : this.storage.increment(key, windowMs, NEVER, windowMs, 'login');
    const [byIp, byEmail, byPair] = (
      await Promise.all([charge(keys.ip), charge(keys.email), charge(keys.emailFromIp)])
    ).map((record) => (record === undefined || isUncounted(record) ? undefined : record));
    const charged = [byIp && keys.ip, byEmail && keys.email, byPair && keys.emailFromIp].filter(
      (key): key is string => typeof key === 'string',
    );
    const budget = byIp && ipBudget(byIp, limit);
    const refusal =
      emailLockout(byEmail, byPair, this.config.rateLimits.login.emailLimit) ??
      (budget?.isBlocked ? budget : undefined);
    if (refusal) {
      await Promise.all(charged.map((key) => this.storage.refund(key)));
      throw rateLimitedException(refusal);
    }
    holdLoginCharge(request, charged);
    return budget;
  }
}
