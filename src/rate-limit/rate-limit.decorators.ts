import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiExtension } from '@nestjs/swagger';
import { ApiProblems } from '../common/openapi/api-problems.js';
import type { RateLimitPolicy } from '../config/app-config.js';

/** Metadata: the opt-in policies (`login`, `submission`) of a route or controller. */
export const RATE_LIMIT_OPT_INS = 'wellclinic:rate-limit:opt-ins';
/** Metadata: no rate limit at all. */
export const RATE_LIMIT_SKIP = 'wellclinic:rate-limit:skip';

function OptIn(policy: Exclude<RateLimitPolicy, 'general'>): MethodDecorator & ClassDecorator {
  return applyDecorators(SetMetadata(RATE_LIMIT_OPT_INS, [policy]), ApiProblems('rate_limited'));
}

/** Metadata: which errors of a `login` route are refused credentials, the only answers its budgets count. */
export const RATE_LIMIT_LOGIN_FAILED_WHEN = 'wellclinic:rate-limit:login-failed-when';

export interface LoginRateLimitOptions {
  /** True for an error that refused the credential (the route's feature owns the marker, e.g. auth's). */
  failedWhen: (error: unknown) => boolean;
  /**
   * Success spends the budget too: for a route whose every answer costs someone something and looks the same
   * whatever happened (a password reset request sends an email, and always answers 202).
   */
  countsSuccess?: boolean;
}

/** Metadata: the route's successful answers count against the login budgets too (`countsSuccess`). */
export const RATE_LIMIT_LOGIN_COUNTS_SUCCESS = 'wellclinic:rate-limit:login-counts-success';

/**
 * Sign-in attempts, on top of the general ceiling: FAILED attempts (errors `failedWhen` recognizes) are counted
 * per client IP (RATE_LIMIT_LOGIN_LIMIT), and when the JSON body has an `email` (trimmed, lower-cased) per email
 * (RATE_LIMIT_LOGIN_EMAIL_LIMIT) and per (email, IP), all per RATE_LIMIT_LOGIN_WINDOW_SECONDS. An IP out of
 * failures gets 429; an email out of failures gets 429 only from the clients that failed on it.
 */
export const LoginRateLimit = (options: LoginRateLimitOptions): MethodDecorator & ClassDecorator =>
  applyDecorators(
    OptIn('login'),
    SetMetadata(RATE_LIMIT_LOGIN_FAILED_WHEN, options.failedWhen),
    SetMetadata(RATE_LIMIT_LOGIN_COUNTS_SUCCESS, options.countsSuccess === true),
  );

/**
 * Public submissions (contact requests and the like): limited per client IP, one budget shared by every
 * route that carries it, on top of the general ceiling. RATE_LIMIT_SUBMISSION_LIMIT per
 * RATE_LIMIT_SUBMISSION_WINDOW_SECONDS.
 */
export const SubmissionRateLimit = (): MethodDecorator & ClassDecorator => OptIn('submission');

/**
 * No rate limit at all, not even the general ceiling, and no RateLimit-* headers: for health probes. The
 * extension keeps the OpenAPI document from promising a 429 there.
 */
export const SkipRateLimit = (): MethodDecorator & ClassDecorator =>
  applyDecorators(SetMetadata(RATE_LIMIT_SKIP, true), ApiExtension('x-rate-limited', false));
