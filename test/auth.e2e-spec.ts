import { JwtService } from '@nestjs/jwt';
import { DataSource, In } from 'typeorm';
import { AuditEvent } from '../src/audit/audit-event.entity.js';
import { User } from '../src/users/user.entity.js';
import { expectProblem, ISO, UUID } from './utils/expect-problem.js';
import { bearer, createStaff, type StaffMember } from './factories/index.js';
import { TEST_JWT_SECRET, type TestApp, useTestApp, withTestApp } from './utils/test-app.js';

const LOGIN = '/api/v1/auth/login';
/** Signs with the tests' secret and the app's issuer, as the app does (but without its key id). */
const ourSigner = () => new JwtService({ secret: TEST_JWT_SECRET, signOptions: { issuer: 'well-clinic-api' } });
const ME = '/api/v1/auth/me';
const CHANGE = '/api/v1/auth/change-password';
const BAD_LOGIN = { code: 'unauthorized', detail: 'The email or password is not correct.', instance: LOGIN } as const;

describe('staff sign-in', () => {
  const app = useTestApp();
  let frontdesk: StaffMember;

  beforeAll(async () => {
    frontdesk = await createStaff(app(), 'frontdesk');
  });

  const login = (body: object) => app().http().post(LOGIN).send(body);

  it('exchanges email and password for a bearer token and records the sign-in', async () => {
    const res = await login({ email: frontdesk.email.toUpperCase(), password: frontdesk.password });
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body).toEqual({
      accessToken: expect.stringMatching(/^[\w-]+\.[\w-]+\.[\w-]+$/),
      tokenType: 'Bearer',
      expiresIn: 900,
      refreshToken: expect.stringMatching(/^wcr_[\w-]{43}$/),
      refreshTokenExpiresAt: expect.stringMatching(ISO),
      sessionId: expect.stringMatching(UUID),
      user: {
        id: frontdesk.user.id,
        email: frontdesk.email,
        displayName: frontdesk.user.displayName,
        role: 'frontdesk',
        active: true,
        lastLoginAt: expect.any(String),
        mfaEnabled: false,
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
      },
    });

    const me = await app().http().get(ME).set(bearer(res.body.accessToken));
    expect(me.status).toBe(200);
    expect(me.body).toEqual(res.body.user);

    const events = await app()
      .app.get(DataSource)
      .getRepository(AuditEvent)
      .findBy({ action: 'auth.login_succeeded', entityId: frontdesk.user.id });
    expect(events).toEqual([
      expect.objectContaining({
        actorType: 'user',
        actorId: frontdesk.user.id,
        entityType: 'user',
        requestId: res.headers['x-request-id'],
        metadata: {},
      }),
    ]);
  });

  it('answers an unknown email, a wrong password and a deactivated account with the same 401', async () => {
    const inactive = await createStaff(app(), 'editor');
    await app().app.get(DataSource).getRepository(User).update({ id: inactive.user.id }, { active: false });

    const attempts = [
      { email: 'nobody-here@wellclinic.test', password: 'whatever-password-1' },
      { email: frontdesk.email, password: 'not-the-password-1' },
      { email: inactive.email, password: inactive.password },
    ];
    const requestIds: string[] = [];
    for (const attempt of attempts) {
      const res = await login(attempt);
      expectProblem(res, BAD_LOGIN);
      expect(res.headers['www-authenticate']).toBeUndefined();
      requestIds.push(res.headers['x-request-id']);
    }
    // Found by the attempts' request ids: other tests sign in wrongly too, and their events may be as recent.
    const failures = await app()
      .app.get(DataSource)
      .getRepository(AuditEvent)
      .findBy({ action: 'auth.login_failed', requestId: In(requestIds) });
    expect(failures.map((e) => e.metadata.reason).sort()).toEqual(['inactive', 'unknown_email', 'wrong_password']);
    expect(JSON.stringify(failures)).not.toMatch(/nobody-here|not-the-password|@wellclinic/);
  });

  it('spends comparable time on unknown emails and wrong passwords (no account enumeration by timing)', async () => {
    const median = async (body: object) => {
      const times: number[] = [];
      for (let i = 0; i < 7; i++) {
        const start = process.hrtime.bigint();
        expect((await login(body)).status).toBe(401);
        times.push(Number(process.hrtime.bigint() - start) / 1e6);
      }
      return times.sort((a, b) => a - b)[3];
    };
    const unknown = await median({ email: 'nobody-here@wellclinic.test', password: 'whatever-password-1' });
    const wrong = await median({ email: frontdesk.email, password: 'not-the-password-1' });
    // Both do one argon2id verification (~20 ms); without it the unknown-email path takes ~2 ms, a ratio near
    // 0.1. The bounds are loose so a busy machine cannot make the test flaky.
    expect(unknown / wrong).toBeGreaterThan(0.33);
    expect(unknown / wrong).toBeLessThan(3);
  });

  it.each([
    ['a missing email', { password: 'x' }, [{ field: 'email', message: 'email must be an email address' }]],
    [
      'a malformed email',
      { email: 'not-an-email', password: 'x' },
      [{ field: 'email', message: 'email must be an email address' }],
    ],
    [
      'an injection string',
      { email: "' OR 1=1 --", password: 'x' },
      [{ field: 'email', message: 'email must be an email address' }],
    ],
    [
      'a missing password',
      { email: 'a@wellclinic.test' },
      [{ field: 'password', message: 'password must be a string' }],
    ],
    [
      'an empty password',
      { email: 'a@wellclinic.test', password: '' },
      [{ field: 'password', message: 'password must be longer than or equal to 1 characters' }],
    ],
    [
      'a password over 128 characters',
      { email: 'a@wellclinic.test', password: 'p'.repeat(129) },
      [{ field: 'password', message: 'password must be shorter than or equal to 128 characters' }],
    ],
    [
      'an unknown field',
      { email: 'a@wellclinic.test', password: 'x', remember: true },
      [{ field: 'remember', message: 'property remember should not exist' }],
    ],
  ])('400 for %s', async (_label, body, errors) => {
    const res = await login(body);
    expectProblem(
      res,
      {
        code: 'validation_failed',
        detail: `${new Set(errors.map((e) => e.field)).size === 1 ? '1 field is' : 'fields are'} invalid`,
        instance: LOGIN,
      },
      { errors },
    );
  });

  describe('tokens', () => {
    it('401 without a token, with a malformed header, a forged or an expired token', async () => {
      const jwt = ourSigner();
      const forged = await new JwtService({ secret: 'another-secret-that-is-32-chars-long!' }).signAsync(
        { sub: frontdesk.user.id, role: 'admin', ver: 0 },
        { issuer: 'well-clinic-api' },
      );
      const expired = await jwt.signAsync({ sub: frontdesk.user.id, role: 'frontdesk', ver: 0, exp: 1_600_000_000 });
      const noneAlg = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${Buffer.from(
        JSON.stringify({ sub: frontdesk.user.id, role: 'admin', ver: 0, iss: 'well-clinic-api' }),
      ).toString('base64url')}.`;

      for (const header of [
        undefined,
        'Basic YWRtaW46YWRtaW4=',
        'Bearer',
        'Bearer not.a.jwt',
        `Bearer ${forged}`,
        `Bearer ${expired}`,
        `Bearer ${noneAlg}`,
      ]) {
        const req = app().http().get(ME);
        const res = await (header ? req.set('Authorization', header) : req);
        expectProblem(res, { code: 'unauthorized', detail: 'A valid bearer token is required.', instance: ME });
        expect(res.headers['www-authenticate']).toBe('Bearer');
      }
    });

    it('401 for a token signed with our secret but without an expiry', async () => {
      const signer = new JwtService({ secret: TEST_JWT_SECRET });
      const claims = { sub: frontdesk.user.id, role: 'frontdesk', ver: 0 };
      const endless = await signer.signAsync(claims, { issuer: 'well-clinic-api' });
      const expiring = await signer.signAsync(claims, { issuer: 'well-clinic-api', expiresIn: 60 });
      expect(JSON.parse(Buffer.from(endless.split('.')[1], 'base64url').toString())).not.toHaveProperty('exp');

      const res = await app().http().get(ME).set(bearer(endless));
      expectProblem(res, { code: 'unauthorized', detail: 'A valid bearer token is required.', instance: ME });
      expect(res.headers['www-authenticate']).toBe('Bearer');
      const control = await app().http().get(ME).set(bearer(expiring));
      expect(control.status).toBe(200);
      expect(control.body.email).toBe(frontdesk.email);
    });

    it('accept the scheme name in any case, as RFC 9110 wants', async () => {
      for (const scheme of ['bearer', 'BEARER', 'bEaReR']) {
        const res = await app().http().get(ME).set('Authorization', `${scheme} ${frontdesk.token}`);
        expect(res.status).toBe(200);
        expect(res.body.email).toBe(frontdesk.email);
      }
    });

    it("stop working when the user's role changes or the account is deactivated", async () => {
      const member = await createStaff(app(), 'editor');
      expect((await app().http().get(ME).set(member.auth)).status).toBe(200);
      await app().app.get(DataSource).getRepository(User).update({ id: member.user.id }, { active: false });
      expect((await app().http().get(ME).set(member.auth)).status).toBe(401);
    });
  });

  describe('change-password', () => {
    it('needs the current password, applies the policy, and ends every existing session', async () => {
      const member = await createStaff(app(), 'editor');
      const second = await login({ email: member.email, password: member.password });
      const otherSession = bearer(second.body.accessToken);

      const wrong = await app()
        .http()
        .post(CHANGE)
        .set(member.auth)
        .send({ currentPassword: 'not-my-password', newPassword: 'a-brand-new-passphrase' });
      expectProblem(
        wrong,
        { code: 'validation_failed', detail: '1 field is invalid', instance: CHANGE },
        { errors: [{ field: 'currentPassword', message: 'currentPassword is not correct' }] },
      );

      for (const [newPassword, message] of [
        ['short-pass1', 'newPassword must be at least 12 characters'],
        ['password1234', 'newPassword is too common'],
        [member.email, 'newPassword must not be the email address'],
        [member.password, 'newPassword must differ from the current password'],
      ]) {
        const weak = await app()
          .http()
          .post(CHANGE)
          .set(member.auth)
          .send({ currentPassword: member.password, newPassword });
        expect(weak.status).toBe(400);
        expect(weak.body.errors).toContainEqual({ field: 'newPassword', message });
      }

      const ok = await app()
        .http()
        .post(CHANGE)
        .set(member.auth)
        .send({ currentPassword: member.password, newPassword: 'a-brand-new-passphrase' });
      expect(ok.status).toBe(204);
      expect(ok.text).toBe('');

      expect((await app().http().get(ME).set(member.auth)).status).toBe(401);
      expect((await app().http().get(ME).set(otherSession)).status).toBe(401);
      expectProblem(await login({ email: member.email, password: member.password }), BAD_LOGIN);
      expect((await login({ email: member.email, password: 'a-brand-new-passphrase' })).status).toBe(200);

      const [event] = await app()
        .app.get(DataSource)
        .getRepository(AuditEvent)
        .findBy({ action: 'auth.password_changed', entityId: member.user.id });
      expect(event).toMatchObject({
        actorType: 'user',
        actorId: member.user.id,
        requestId: ok.headers['x-request-id'],
      });
    });

    it.each([
      ['no body fields', {}, ['currentPassword', 'newPassword']],
      ['an unknown field', { currentPassword: 'x', newPassword: 'y'.repeat(12), confirm: 'y' }, ['confirm']],
      ['a number as password', { currentPassword: 1, newPassword: 'y'.repeat(12) }, ['currentPassword']],
    ])('400 for %s', async (_label, body, fields) => {
      const res = await app().http().post(CHANGE).set(frontdesk.auth).send(body);
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('validation_failed');
      expect((res.body.errors as { field: string }[]).map((e) => e.field)).toEqual(fields);
    });

    it('401 without a token', async () => {
      const res = await app()
        .http()
        .post(CHANGE)
        .send({ currentPassword: 'x', newPassword: 'y'.repeat(12) });
      expectProblem(res, { code: 'unauthorized', detail: 'A valid bearer token is required.', instance: CHANGE });
    });
  });
});

describe('sign-in rate limit', () => {
  it('answers 429 problem+json with Retry-After once RATE_LIMIT_LOGIN_LIMIT attempts are used', () =>
    withTestApp({ env: { RATE_LIMIT_LOGIN_LIMIT: '2', RATE_LIMIT_LOGIN_WINDOW_SECONDS: '60' } }, async (t) => {
      const attempt = () => t.http().post(LOGIN).send({ email: 'guess@wellclinic.test', password: 'guess-number-1' });
      expect((await attempt()).status).toBe(401);
      expect((await attempt()).status).toBe(401);
      const limited = await attempt();
      expectProblem(limited, {
        code: 'rate_limited',
        detail: expect.stringMatching(/^Too many requests\. Retry in \d+ seconds?\.$/),
        instance: LOGIN,
      });
      expect(limited.headers).toMatchObject({
        'retry-after': expect.stringMatching(/^\d+$/),
        'ratelimit-limit': '2',
        'ratelimit-remaining': '0',
        'ratelimit-reset': expect.stringMatching(/^\d+$/),
      });
    }));

  it('counts failures only: the owner signs in from another address while an attacker is refused', () =>
    withTestApp(
      { env: { TRUST_PROXY: 'true', RATE_LIMIT_LOGIN_LIMIT: '2', RATE_LIMIT_LOGIN_EMAIL_LIMIT: '3' } },
      async (t) => {
        const owner = await createStaff(t, 'frontdesk');
        const from = (ip: string, password: string) =>
          t.http().post(LOGIN).set('X-Forwarded-For', ip).send({ email: owner.email, password });
        // Signing in successfully, again and again, uses up nothing.
        for (let i = 0; i < 4; i++) expect((await from('198.51.100.1', owner.password)).status).toBe(200);

        // Three guesses from two addresses use up the email's failures (RATE_LIMIT_LOGIN_EMAIL_LIMIT = 3).
        for (const ip of ['203.0.113.66', '203.0.113.66', '203.0.113.67']) {
          expectProblem(await from(ip, 'guess-number-1'), BAD_LOGIN);
        }
        // The failing sources are refused, the right password notwithstanding (the first is also out of its own 2).
        for (const ip of ['203.0.113.66', '203.0.113.67']) {
          const refused = await from(ip, owner.password);
          expectProblem(refused, {
            code: 'rate_limited',
            detail: expect.stringMatching(/^Too many requests\. Retry in \d+ seconds?\.$/),
            instance: LOGIN,
          });
          expect(refused.headers).toMatchObject({
            'retry-after': expect.stringMatching(/^\d+$/),
            'ratelimit-remaining': '0',
          });
        }
        // The owner, from an address that has not failed, still signs in, and still can from the usual one.
        for (const ip of ['192.0.2.200', '198.51.100.1']) {
          const ok = await from(ip, owner.password);
          expect(ok.status).toBe(200);
          expect(ok.body).toMatchObject({ tokenType: 'Bearer', user: { email: owner.email } });
        }
      },
    ));

  /** The right password, from the same address: 200, with all of the address's failures left. */
  const expectFullBudget = async (t: TestApp, member: StaffMember) => {
    const ok = await t.http().post(LOGIN).send({ email: member.email, password: member.password });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ tokenType: 'Bearer', user: { email: member.email } });
    // 4 left should this attempt have failed.
    expect(ok.headers).toMatchObject({ 'ratelimit-limit': '5', 'ratelimit-remaining': '4' });
  };

  it('does not count change-password calls refused for their token (an expired Swagger session)', () =>
    withTestApp({ env: { RATE_LIMIT_LOGIN_LIMIT: '5', RATE_LIMIT_LOGIN_WINDOW_SECONDS: '60' } }, async (t) => {
      const member = await createStaff(t, 'editor');
      const expired = await ourSigner().signAsync({ sub: member.user.id, role: 'editor', ver: 0, exp: 1_600_000_000 });
      // On an office's shared address, each call is a 401 from the access guard, after the rate limit's.
      for (const token of [expired, expired, expired, 'not-a-token', expired]) {
        const res = await t
          .http()
          .post(CHANGE)
          .set(bearer(token))
          .send({ currentPassword: member.password, newPassword: 'a-brand-new-passphrase' });
        expectProblem(res, { code: 'unauthorized', detail: 'A valid bearer token is required.', instance: CHANGE });
      }
      await expectFullBudget(t, member);
    }));

  it('does not count a sign-in refused for an unknown query parameter, the right password notwithstanding', () =>
    withTestApp({ env: { RATE_LIMIT_LOGIN_LIMIT: '5', RATE_LIMIT_LOGIN_WINDOW_SECONDS: '60' } }, async (t) => {
      const member = await createStaff(t, 'editor');
      for (let i = 0; i < 5; i++) {
        const res = await t.http().post(`${LOGIN}?x=1`).send({ email: member.email, password: member.password });
        expectProblem(
          res,
          { code: 'validation_failed', detail: '1 field is invalid', instance: LOGIN },
          { errors: [{ field: 'x', message: 'property x should not exist' }] },
        );
      }
      await expectFullBudget(t, member);
    }));

  it('also limits change-password, so a stolen token cannot guess the current password', () =>
    withTestApp({ env: { RATE_LIMIT_LOGIN_LIMIT: '2', RATE_LIMIT_LOGIN_WINDOW_SECONDS: '60' } }, async (t) => {
      const member = await createStaff(t, 'editor');
      const attempt = (currentPassword: string) =>
        t.http().post(CHANGE).set(member.auth).send({ currentPassword, newPassword: 'a-brand-new-passphrase' });
      expect((await attempt('guess-number-1')).status).toBe(400);
      expect((await attempt('guess-number-2')).status).toBe(400);
      const limited = await attempt(member.password);
      expectProblem(limited, {
        code: 'rate_limited',
        detail: expect.stringMatching(/^Too many requests\. Retry in \d+ seconds?\.$/),
        instance: CHANGE,
      });
      expect(limited.headers).toMatchObject({
        'retry-after': expect.stringMatching(/^\d+$/),
        'ratelimit-limit': '2',
        'ratelimit-remaining': '0',
      });
      // The refused attempt changed nothing: the old token still works.
      expect((await t.http().get(ME).set(member.auth)).status).toBe(200);
    }));
});
