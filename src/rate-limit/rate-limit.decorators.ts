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

/**
 * Login attempts: limited per client IP and, when the JSON body has an `email`, per email (trimmed,
 * lower-cased), on top of the general ceiling. RATE_LIMIT_LOGIN_LIMIT per RATE_LIMIT_LOGIN_WINDOW_SECONDS.
 */
export const LoginRateLimit = (): MethodDecorator & ClassDecorator => OptIn('login');

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
