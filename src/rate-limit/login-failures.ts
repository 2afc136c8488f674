import { emailDigest } from './rate-limit.keys.js';
import type { CounterReading } from './fixed-window.js';
import type { CounterOutcome } from './rate-limit.policy.js';

const CREDENTIAL_FAILURE = Symbol.for('wellclinic.rate-limit.credential-failure');

/**
 * Marks an error as a refused credential (a wrong password, an unknown email, a wrong current password): on a
 * route under the login policy, only such an answer counts against the sign-in budgets.
 */
export function credentialFailure<E extends object>(error: E): E {
  Object.defineProperty(error, CREDENTIAL_FAILURE, { value: true });
  return error;
}

export function isCredentialFailure(error: unknown): boolean {
  return typeof error === 'object' && error !== null && CREDENTIAL_FAILURE in error;
}

/** The failure counters of one sign-in attempt: its IP; with an email, the email and the (email, IP) pair. */
export interface LoginFailureKeys {
  ip: string;
  email?: string;
  emailFromIp?: string;
}

/** @param ip the client key (see `clientKey`); @param email the normalized login email, if any */
export function loginFailureKeys(ip: string, email: string | undefined): LoginFailureKeys {
  if (email === undefined) return { ip: `login:failed:ip:${ip}` };
  const digest = emailDigest(email);
  return {
    ip: `login:failed:ip:${ip}`,
    email: `login:failed:email:${digest}`,
    emailFromIp: `login:failed:email-ip:${digest}:${ip}`,
  };
}

/**
 * A failure counter as the policy functions read it: blocked once `limit` failures are reached. Undefined when the
 * store could not be reached.
 */
export function failureOutcome(
  reading: CounterReading | undefined,
  limit: number,
  windowMs: number,
): CounterOutcome | undefined {
  if (reading?.unavailable) return undefined;
  const hits = reading?.hits ?? 0;
  const seconds = Math.max(1, Math.ceil((reading?.msLeft ?? windowMs) / 1000));
  const isBlocked = hits >= limit;
  return { totalHits: hits, limit, timeToExpire: seconds, isBlocked, timeToBlockExpire: isBlocked ? seconds : 0 };
}

/**
 * Whether this client must wait before trying this email again, and for how long: only when the email is over its
 * budget AND this client is among those that failed on it. Undefined: it may try.
 */
export function emailLockout(
  email: CounterReading | undefined,
  emailFromIp: CounterReading | undefined,
  emailLimit: number,
): CounterOutcome | undefined {
  if (email === undefined || emailFromIp === undefined || email.unavailable || emailFromIp.unavailable) {
    return undefined;
  }
  if (email.hits < emailLimit) return undefined;
  const seconds = Math.max(1, Math.ceil(Math.min(email.msLeft, emailFromIp.msLeft) / 1000));
  return {
    totalHits: email.hits,
    limit: emailLimit,
    timeToExpire: seconds,
    isBlocked: true,
    timeToBlockExpire: seconds,
  };
}
