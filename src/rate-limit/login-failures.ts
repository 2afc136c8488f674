import type { FastifyReply, FastifyRequest } from 'fastify';
import type { CounterStore, ThrottlerStorageRecord } from './fixed-window.js';
import { emailDigest } from './rate-limit.keys.js';
import type { CounterOutcome } from './rate-limit.policy.js';

/** Failure counters never block by themselves (the guard compares them with the limits): a limit they never reach. */
export const NEVER = Number.MAX_SAFE_INTEGER;

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
 * The IP's failure budget once this attempt is charged to it: refused when the charge goes over the limit, that is
 * when the IP had already failed `limit` times (or that many attempts are in flight).
 */
export function ipBudget(ip: ThrottlerStorageRecord, limit: number): CounterOutcome {
  const isBlocked = ip.totalHits > limit;
  return {
    totalHits: ip.totalHits,
    limit,
    timeToExpire: ip.timeToExpire,
    isBlocked,
    timeToBlockExpire: isBlocked ? ip.timeToExpire : 0,
  };
}

/**
 * Whether this client must wait before trying this email again, decided from the counters with this attempt
 * already charged to them (so concurrent attempts see each other): only when the email is over its budget AND this
 * client failed on it before (or has another attempt on it in flight). Undefined: it may try. A pair counter that
 * was refunded to zero is a client that signed in, not one that failed: its charge makes it 1, and it may try.
 */
export function emailLockout(
  email: ThrottlerStorageRecord | undefined,
  emailFromIp: ThrottlerStorageRecord | undefined,
  emailLimit: number,
): CounterOutcome | undefined {
  if (email === undefined || emailFromIp === undefined) return undefined;
  if (email.totalHits <= emailLimit || emailFromIp.totalHits <= 1) return undefined;
  const seconds = Math.min(email.timeToExpire, emailFromIp.timeToExpire);
  return {
    totalHits: email.totalHits,
    limit: emailLimit,
    timeToExpire: seconds,
    isBlocked: true,
    timeToBlockExpire: seconds,
  };
}

/** An attempt charged as a failure: the counters charged, and whether the route refused the credential. */
interface PendingCharge {
  keys: string[];
  failed: boolean;
}

/** The charges of requests still in flight: set by the guard, marked by the interceptor, settled when the reply is sent. */
const PENDING = new WeakMap<object, PendingCharge>();

export function holdLoginCharge(request: object, keys: string[]): void {
  if (keys.length > 0) PENDING.set(request, { keys, failed: false });
}

/** The route refused the credential: the charge stays when the request is settled. */
export function markLoginFailure(request: object): void {
  const pending = PENDING.get(request);
  if (pending) pending.failed = true;
}

/**
 * Ends a request's charge: kept if the credential was refused, refunded in every other case, whatever answered
 * (the handler, a pipe, a guard after RateLimitGuard, another rate limit). Settling twice does nothing.
 */
export async function settleLoginCharge(request: object, storage: CounterStore): Promise<void> {
  const pending = PENDING.get(request);
  if (pending === undefined) return;
  PENDING.delete(request);
  if (pending.failed) return;
  await Promise.all(pending.keys.map((key) => storage.refund(key)));
}

/**
 * A Fastify onSend hook that settles the request's charge before the response leaves, so the client's next attempt
 * sees the counters as they should be. Callback-style: requests without a charge cost no promise.
 */
export function loginChargeSettler(storage: CounterStore) {
  return (
    request: FastifyRequest,
    _reply: FastifyReply,
    payload: unknown,
    done: (error: null, payload: unknown) => void,
  ): void => {
    if (!PENDING.has(request)) return done(null, payload);
    const send = () => done(null, payload);
    // Refunds do not throw (a store that fails, fails open); if one did, the response still leaves.
    settleLoginCharge(request, storage).then(send, send);
  };
}
