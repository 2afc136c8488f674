import { MemoryThrottlerStorage } from './memory-throttler.storage.js';
import {
  emailLockout,
  holdLoginCharge,
  ipBudget,
  loginChargeSettler,
  loginFailureKeys,
  markLoginFailure,
  settleLoginCharge,
} from './login-failures.js';
import { emailDigest } from './rate-limit.keys.js';

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

/** A failure counter with this attempt charged to it. */
const charged = (totalHits: number, timeToExpire = 40) => ({
  totalHits,
  timeToExpire,
  isBlocked: false,
  timeToBlockExpire: 0,
});

describe('ipBudget', () => {
  it('lets the attempt that uses the last failure through, and refuses the one after', () => {
    expect(ipBudget(charged(5), 5)).toEqual({
      totalHits: 5,
      limit: 5,
      timeToExpire: 40,
      isBlocked: false,
      timeToBlockExpire: 0,
    });
    expect(ipBudget(charged(6), 5)).toEqual({
      totalHits: 6,
      limit: 5,
      timeToExpire: 40,
      isBlocked: true,
      timeToBlockExpire: 40,
    });
  });
});

describe('emailLockout', () => {
  it('locks a client that failed on an email out of failures, until either counter ends', () => {
    expect(emailLockout(charged(21), charged(2, 26), 20)).toEqual({
      totalHits: 21,
      limit: 20,
      timeToExpire: 26,
      isBlocked: true,
      timeToBlockExpire: 26,
    });
  });

  it.each([
    ['the email has failures left (this attempt uses the last)', charged(20), charged(4)],
    ['the client has not failed on it (its first charge: it never tried, or only signed in)', charged(25), charged(1)],
    ['the store could not count the email', undefined, charged(3)],
    ['the store could not count the pair', charged(25), undefined],
  ])('lets the client try when %s', (_case, byEmail, byPair) => {
    expect(emailLockout(byEmail, byPair, 20)).toBeUndefined();
  });
});

describe('settling a charge', () => {
  const now = Date.UTC(2030, 0, 1);
  const hits = async (storage: MemoryThrottlerStorage, key: string) =>
    (await storage.increment(key, 60_000, 100, 60_000)).totalHits - 1;

  it('refunds it unless the credential was refused, once', async () => {
    const storage = new MemoryThrottlerStorage(() => now);
    const [ok, refused] = [{}, {}];
    for (const request of [ok, refused]) {
      await storage.increment('ip', 60_000, 100, 60_000);
      holdLoginCharge(request, ['ip']);
    }
    markLoginFailure(refused);
    await settleLoginCharge(ok, storage);
    await settleLoginCharge(ok, storage);
    await settleLoginCharge(refused, storage);
    expect(await hits(storage, 'ip')).toBe(1);
  });

  it('settles in an onSend hook, passing the payload on; requests without a charge go straight through', async () => {
    const storage = new MemoryThrottlerStorage(() => now);
    const hook = loginChargeSettler(storage);
    const send = (request: object) =>
      new Promise((resolve) => hook(request as never, {} as never, 'payload', (_error, payload) => resolve(payload)));
    await storage.increment('ip', 60_000, 100, 60_000);
    const request = {};
    holdLoginCharge(request, ['ip']);
    await expect(send(request)).resolves.toBe('payload');
    expect(await hits(storage, 'ip')).toBe(0);
    await expect(send({})).resolves.toBe('payload');
  });
});
