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

/** Failure counters never block by themselves (the guard compares them with the limits): a limit they never reach. */
export const NEVER = Number.MAX_SAFE_INTEGER;

/** The failure counters the guard charged for a request, for the interceptor to refund if it did not fail. */
export const LOGIN_CHARGES = new WeakMap<object, string[]>();

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
  // A pair counter at zero is a charge refunded: that client signed in, it did not fail.
  if (email.hits < emailLimit || emailFromIp.hits < 1) return undefined;
  const seconds = Math.max(1, Math.ceil(Math.min(email.msLeft, emailFromIp.msLeft) / 1000));
  return {
    totalHits: email.hits,
    limit: emailLimit,
    timeToExpire: seconds,
    isBlocked: true,
    timeToBlockExpire: seconds,
  };
}
