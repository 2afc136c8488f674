import { AppException } from '../common/errors/app-exception.js';
import {
  applicablePolicies,
  type CounterOutcome,
  mostConstrained,
  rateLimitedException,
  rateLimitHeaders,
  STORE_UNAVAILABLE_RETRY_SECONDS,
  storeUnavailableOutcome,
} from './rate-limit.policy.js';

const RATE_LIMITS = {
  general: { limit: 300, windowSeconds: 60 },
  login: { limit: 5, windowSeconds: 60 },
  submission: { limit: 5, windowSeconds: 600 },
};

function outcome(limit: number, totalHits: number, timeToExpire: number, blockedFor = 0): CounterOutcome {
  return { limit, totalHits, timeToExpire, isBlocked: blockedFor > 0, timeToBlockExpire: blockedFor };
}

describe('applicablePolicies', () => {
  const general = { policy: 'general', limit: 300, windowMs: 60_000 };
  const login = { policy: 'login', limit: 5, windowMs: 60_000 };
  const submission = { policy: 'submission', limit: 5, windowMs: 600_000 };

  it('applies only the general ceiling to a route without opt-in', () => {
    expect(applicablePolicies(RATE_LIMITS, { skip: false, optIns: [] })).toEqual([general]);
  });

  it('adds the policies a route opts into, in a fixed order', () => {
    expect(applicablePolicies(RATE_LIMITS, { skip: false, optIns: ['login'] })).toEqual([general, login]);
    expect(applicablePolicies(RATE_LIMITS, { skip: false, optIns: ['submission', 'login', 'login'] })).toEqual([
      general,
      login,
      submission,
    ]);
  });

  it('applies nothing to a skipped route', () => {
    expect(applicablePolicies(RATE_LIMITS, { skip: true, optIns: ['login'] })).toEqual([]);
  });
});

describe('mostConstrained', () => {
  it('is undefined without outcomes', () => {
    expect(mostConstrained([])).toBeUndefined();
  });

  it('picks the fewest requests remaining', () => {
    const general = outcome(300, 1, 60);
    const login = outcome(5, 3, 60);
    expect(mostConstrained([general, login])).toBe(login);
    expect(mostConstrained([login, general])).toBe(login);
  });

  it('breaks a tie on remaining by the longest wait, then the lowest limit', () => {
    const soon = outcome(5, 3, 10);
    const later = outcome(5, 3, 500);
    expect(mostConstrained([soon, later])).toBe(later);

    const big = outcome(10, 8, 60);
    const small = outcome(3, 1, 60);
    expect(mostConstrained([big, small])).toBe(small);
    expect(mostConstrained([small, big])).toBe(small);
  });

  it('ranks a blocked counter first', () => {
    const blocked = outcome(5, 6, 30, 30);
    expect(mostConstrained([outcome(300, 300, 60), blocked])).toBe(blocked);
  });
});

describe('rateLimitHeaders', () => {
  it('reports limit, remaining and seconds until the window resets', () => {
    expect(rateLimitHeaders(outcome(5, 2, 42))).toEqual({
      'RateLimit-Limit': '5',
      'RateLimit-Remaining': '3',
      'RateLimit-Reset': '42',
    });
  });

  it('never reports a negative remaining, nor a reset under one second', () => {
    expect(rateLimitHeaders(outcome(5, 9, 0))).toEqual({
      'RateLimit-Limit': '5',
      'RateLimit-Remaining': '0',
      'RateLimit-Reset': '1',
    });
  });

  it('reports the end of the block for a blocked counter', () => {
    expect(rateLimitHeaders(outcome(5, 6, 60, 45))).toEqual({
      'RateLimit-Limit': '5',
      'RateLimit-Remaining': '0',
      'RateLimit-Reset': '45',
    });
  });
});

describe('rateLimitedException', () => {
  it('is a rate_limited problem with Retry-After and the RateLimit headers', () => {
    const error = rateLimitedException(outcome(5, 6, 60, 60));
    expect(error).toBeInstanceOf(AppException);
    expect(error.status).toBe(429);
    expect({ code: error.code, detail: error.detail, options: error.options }).toEqual({
      code: 'rate_limited',
      detail: 'Too many requests. Retry in 60 seconds.',
      options: {
        headers: { 'Retry-After': '60', 'RateLimit-Limit': '5', 'RateLimit-Remaining': '0', 'RateLimit-Reset': '60' },
      },
    });
  });

  it('says "1 second" in the singular', () => {
    expect(rateLimitedException(outcome(5, 6, 1, 1)).detail).toBe('Too many requests. Retry in 1 second.');
  });
});

describe('storeUnavailableOutcome', () => {
  it('refuses for STORE_UNAVAILABLE_RETRY_SECONDS, with the policy limit and nothing remaining', () => {
    const error = rateLimitedException(storeUnavailableOutcome(5));
    expect({ status: error.status, code: error.code, detail: error.detail, options: error.options }).toEqual({
      status: 429,
      code: 'rate_limited',
      detail: `Too many requests. Retry in ${STORE_UNAVAILABLE_RETRY_SECONDS} seconds.`,
      options: {
        headers: { 'Retry-After': '5', 'RateLimit-Limit': '5', 'RateLimit-Remaining': '0', 'RateLimit-Reset': '5' },
      },
    });
  });
});
