import { AppException } from '../common/errors/app-exception.js';
import { credentialFailure, emailLockout, isCredentialFailure, loginFailureKeys } from './login-failures.js';
import { emailDigest } from './rate-limit.keys.js';

describe('credentialFailure', () => {
  it('marks an error without changing it', () => {
    const error = new AppException('unauthorized', 'The email or password is not correct.');
    expect(credentialFailure(error)).toBe(error);
    expect(isCredentialFailure(error)).toBe(true);
    expect(JSON.stringify(error)).toBe(JSON.stringify(new AppException('unauthorized', error.detail)));
  });

  it.each([new AppException('unauthorized', 'x'), new Error('x'), 'x', null, undefined])(
    'leaves anything unmarked uncounted (%#)',
    (error) => {
      expect(isCredentialFailure(error)).toBe(false);
    },
  );
});

describe('loginFailureKeys', () => {
  it('keys the IP, the email and the pair, never the address itself', () => {
    const digest = emailDigest('pat@example.com');
    const keys = loginFailureKeys('192.0.2.1', 'pat@example.com');
    expect(keys).toEqual({
      ip: 'login:failed:ip:192.0.2.1',
      email: `login:failed:email:${digest}`,
      emailFromIp: `login:failed:email-ip:${digest}:192.0.2.1`,
    });
    expect(JSON.stringify(keys)).not.toMatch(/pat|example|@/);
  });

  it('keys the IP alone without an email', () => {
    expect(loginFailureKeys('2001:db8:1:2::/64', undefined)).toEqual({ ip: 'login:failed:ip:2001:db8:1:2::/64' });
  });
});

describe('emailLockout', () => {
  const email = (hits: number) => ({ hits, msLeft: 40_000 });

  it('locks a client that failed on an email out of failures, until either counter ends', () => {
    expect(emailLockout(email(20), { hits: 1, msLeft: 25_500 }, 20)).toEqual({
      totalHits: 20,
      limit: 20,
      timeToExpire: 26,
      isBlocked: true,
      timeToBlockExpire: 26,
    });
  });

  it.each([
    ['the email has failures left', email(19), { hits: 3, msLeft: 1000 }],
    ['the client never tried it', email(25), undefined],
    ['the client only ever signed in (a refunded charge)', email(25), { hits: 0, msLeft: 1000 }],
    ['the store is unreachable', { hits: 0, msLeft: 0, unavailable: true as const }, { hits: 1, msLeft: 1000 }],
  ])('lets the client try when %s', (_case, byEmail, byPair) => {
    expect(emailLockout(byEmail, byPair, 20)).toBeUndefined();
  });
});
