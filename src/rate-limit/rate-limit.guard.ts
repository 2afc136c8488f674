import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiKeysService } from '../api-keys/index.js';
import { Metrics } from '../common/metrics/metrics.js';
import { AppConfig, type RateLimitPolicy } from '../config/app-config.js';
import { RATE_LIMIT_OPT_INS, RATE_LIMIT_SKIP } from './rate-limit.decorators.js';
import type { CounterStore, ThrottlerStorageRecord } from './fixed-window.js';
import { emailLockout, holdLoginCharge, ipBudget, loginFailureKeys, NEVER } from './login-failures.js';
import { clientKey, counterKeys, loginEmail, siteCounterKey, siteKeyLookupKey } from './rate-limit.keys.js';
import { RATE_LIMIT_STORAGE } from './rate-limit.options.js';
import {
  applicablePolicies,
  type CounterOutcome,
  mostConstrained,
  rateLimitedException,
  rateLimitHeaders,
  storeUnavailableOutcome,
} from './rate-limit.policy.js';
import { isUncounted } from './redis-throttler.storage.js';
import { relayedVisitor, rememberSiteClient, type SiteClient } from './site-clients.js';

/** What the guard needs of the API keys feature: site keys, verified from its cache, and their use recorded. */
export type SiteKeys = Pick<ApiKeysService, 'siteKey' | 'markUsed'>;
/** A request's site: who it relays for, and the verified key (its use is recorded once the request passes). */
type Site = SiteClient & { key: NonNullable<Awaited<ReturnType<SiteKeys['siteKey']>>> };

/** One counter a request increments, and whether a store that cannot count it refuses the request. */
interface Counter {
  /** The throttler name the store is told (`general`, `site`, `submission`). */
  name: string;
  key: string;
  limit: number;
  windowMs: number;
  failsClosed: boolean;
}

/**
 * Applies the named policies to every HTTP route. For each policy that applies, each of its counters is
 * incremented in the store (throttler v6 semantics: the hit over the limit starts a block of one window);
 * the first counter over its limit answers 429 problem+json. Allowed responses carry the standard
 * `RateLimit-*` headers of the most constrained counter.
 *
 * A request with a valid `site` API key in X-API-Key (a server-rendered website, on any route) is counted against
 * its key's budget (RATE_LIMIT_SITE_*) instead of the per-IP general ceiling, and its submissions per visitor (the
 * address it names in X-Forwarded-For, see `relayedVisitor`). Any other key changes nothing.
 *
 * While the store cannot count (Redis down), the login and submission policies refuse with 429 when
 * RATE_LIMIT_FAIL_MODE is `closed` (the default); the general and site budgets always let requests through.
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
    @Inject(ApiKeysService) private readonly siteKeys: SiteKeys,
    private readonly metrics: Metrics,
  ) {}

  /** The 429 for a refusal by `policy`'s counter, counted in the metrics. */
  private refused(policy: string, outcome: Parameters<typeof rateLimitedException>[0]): Error {
    this.metrics.rateLimitRejected(policy);
    return rateLimitedException(outcome);
  }

  private get failsClosed(): boolean {
    return this.config.rateLimits.failMode === 'closed';
  }

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
    const site = await this.siteClient(request, ip);
    const outcomes: CounterOutcome[] = [];
    for (const { policy, limit, windowMs } of policies) {
      if (policy === 'login') {
        const budget = await this.loginBudget(request, ip, loginEmail(request.body), limit, windowMs);
        if (budget) outcomes.push(budget);
        continue;
      }
      outcomes.push(...(await this.count(this.countersOf(policy, limit, windowMs, ip, site))));
    }

    const constrained = mostConstrained(outcomes);
    if (constrained) void context.switchToHttp().getResponse<FastifyReply>().headers(rateLimitHeaders(constrained));
    // Recorded on the side: a primary refusing writes (a failover) must not fail reads made with a site key.
    if (site) this.siteKeys.markUsed(site.key).catch(() => undefined);
    return true;
  }

  /**
   * The `general` per-IP ceiling for a route outside Nest's routing (the media files, a raw Fastify route): 429
   * problem+json over the limit, the RateLimit-* headers on `reply` otherwise. Fails open, as the guard does.
   */
  async limitGeneral(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const { limit, windowSeconds } = this.config.rateLimits.general;
    const outcomes = await this.count(
      this.countersOf('general', limit, windowSeconds * 1000, clientKey(request.ip), undefined),
    );
    const constrained = mostConstrained(outcomes);
    if (constrained) void reply.headers(rateLimitHeaders(constrained));
  }

  /**
   * Counts the request once on each counter, in order: 429 at the first one over its limit, or at one that cannot be
   * counted when it fails closed (one that fails open is skipped then). Answers the outcomes of those counted.
   */
  private async count(counters: readonly Counter[]): Promise<CounterOutcome[]> {
    const outcomes: CounterOutcome[] = [];
    for (const counter of counters) {
      const { name, key, limit, windowMs } = counter;
      const record = await this.storage.increment(key, windowMs, limit, windowMs, name);
      if (isUncounted(record)) {
        if (counter.failsClosed) throw this.refused(name, storeUnavailableOutcome(limit));
        continue;
      }
      const outcome: CounterOutcome = { ...record, limit };
      if (outcome.isBlocked) throw this.refused(name, outcome);
      outcomes.push(outcome);
    }
    return outcomes;
  }

  /**
   * The counters of a counting policy for this request: `general` per IP, or per key for a site; `submission` per
   * IP, or per visitor for a site. Only `submission` fails closed.
   */
  private countersOf(
    policy: Exclude<RateLimitPolicy, 'login'>,
    limit: number,
    windowMs: number,
    ip: string,
    site: Site | undefined,
  ): Counter[] {
    if (policy === 'general') {
      if (!site) {
        return counterKeys('general', ip).map((key) => ({ name: policy, key, limit, windowMs, failsClosed: false }));
      }
      const budget = this.config.rateLimits.site;
      const siteWindowMs = budget.windowSeconds * 1000;
      return [
        {
          name: 'site',
          key: siteCounterKey(site.keyId),
          limit: budget.limit,
          windowMs: siteWindowMs,
          failsClosed: false,
        },
      ];
    }
    const client = site ? clientKey(site.visitorIp) : ip;
    return counterKeys(policy, client).map((key) => ({
      name: policy,
      key,
      limit,
      windowMs,
      failsClosed: this.failsClosed,
    }));
  }

  /**
   * The site this request comes from: a valid `site` key in X-API-Key, verified from the API keys' cache. A secret
   * the cache does not know costs a database query, so such lookups are counted per IP (up to the general ceiling
   * per general window, failing open); past that, the client's keys are not looked up and it is counted per IP.
   */
  private async siteClient(request: FastifyRequest, ip: string): Promise<Site | undefined> {
    const secret = request.headers['x-api-key'];
    if (typeof secret !== 'string') return undefined;
    const { limit, windowSeconds } = this.config.rateLimits.general;
    const admitLookup = async () => {
      const windowMs = windowSeconds * 1000;
      const lookups = await this.storage.increment(siteKeyLookupKey(ip), windowMs, limit, windowMs, 'site-key-lookup');
      return isUncounted(lookups) || !lookups.isBlocked;
    };
    const key = await this.siteKeys.siteKey(secret, admitLookup);
    if (!key) return undefined;
    const visitor = relayedVisitor(request.headers['x-forwarded-for'], (request.ips?.length ?? 1) - 1);
    const client: SiteClient = { keyId: key.id, visitorIp: visitor ?? request.ip };
    rememberSiteClient(request, client);
    return { ...client, key };
  }

  /**
   * Sign-in counts failures only, so a correct password is never refused because of someone else's guesses. The
   * attempt is charged as a failure to its IP (and, with an email, to the email and the (email, IP) pair) before
   * anything is decided, and the decision reads the counters with the charge in them: concurrent guesses see each
   * other, so a burst cannot overrun a budget that none of them has failed yet. This client is refused (and its
   * charge refunded) when its IP is out of failures, or when the email is out of its own (larger) budget AND this
   * client is one that failed on it: the account's owner, signing in from elsewhere, still gets in while an attacker
   * is locked out. An attempt let through is settled when its reply is sent: kept if LoginFailureInterceptor saw the
   * credential refused, refunded otherwise (loginChargeSettler). A counter the store could not charge refuses the
   * attempt when the policy fails closed, and is left out of the decision when it fails open.
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
    const records = await Promise.all([charge(keys.ip), charge(keys.email), charge(keys.emailFromIp)]);
    const uncounted = records.some((record) => record !== undefined && isUncounted(record));
    const [byIp, byEmail, byPair] = records.map((record): ThrottlerStorageRecord | undefined =>
      record === undefined || isUncounted(record) ? undefined : record,
    );
    const charged = [byIp && keys.ip, byEmail && keys.email, byPair && keys.emailFromIp].filter(
      (key): key is string => typeof key === 'string',
    );
    const budget = byIp && ipBudget(byIp, limit);
    const refusal =
      (uncounted && this.failsClosed ? storeUnavailableOutcome(limit) : undefined) ??
      emailLockout(byEmail, byPair, this.config.rateLimits.login.emailLimit) ??
      (budget?.isBlocked ? budget : undefined);
    if (refusal) {
      await Promise.all(charged.map((key) => this.storage.refund(key)));
      throw this.refused('login', refusal);
    }
    holdLoginCharge(request, charged);
    return budget;
  }
}
