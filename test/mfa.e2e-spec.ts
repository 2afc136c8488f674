import { generate } from 'otplib';
import { DataSource } from 'typeorm';
import { AuditEvent } from '../src/audit/audit-event.entity.js';
import { ManualClock } from '../src/common/clock/clock.js';
import { DataCipher } from '../src/common/crypto/data-cipher.js';
import { reencryptTotpSecrets, totpSecretContext } from '../src/users/totp-secrets.js';
import { User } from '../src/users/user.entity.js';
import { ADMIN_USERS, bearer, createStaff, LOGIN, type StaffMember } from './factories/index.js';
import { expectInvalid, expectJson, expectNoContent, expectProblem } from './utils/expect-problem.js';
import { unknownField } from './utils/field-errors.js';
import { TEST_DATA_ENCRYPTION_KEY, type TestApp, useTestApp, withTestApp } from './utils/test-app.js';

const ENROL = '/api/v1/auth/mfa/totp';
const CONFIRM = '/api/v1/auth/mfa/totp/confirm';
const LOGIN_MFA = '/api/v1/auth/login/mfa';
const ME = '/api/v1/auth/me';
const START = new Date('2031-05-06T08:00:00.000Z');

const BAD_CODE = { code: 'unauthorized', detail: 'The code is not correct.', instance: LOGIN_MFA } as const;
const BAD_CHALLENGE = {
  code: 'unauthorized',
  detail: 'The sign-in challenge is not valid or has expired: sign in again.',
  instance: LOGIN_MFA,
} as const;

/** The code an authenticator app shows at the clock's time. */
const codeAt = (secret: string, clock: ManualClock) =>
  generate({ secret, epoch: Math.floor(clock.now().getTime() / 1000) });

interface Enrolled {
  secret: string;
  recoveryCodes: string[];
}

/** Enrols and confirms through the API. */
async function enableMfa(t: TestApp, member: StaffMember, clock: ManualClock): Promise<Enrolled> {
  const enrolled = await t.http().post(ENROL).set(member.auth);
  expect(enrolled.status).toBe(200);
  const { secret } = enrolled.body as { secret: string };
  const confirmed = await t
    .http()
    .post(CONFIRM)
    .set(member.auth)
    .send({ password: member.password, code: await codeAt(secret, clock) });
  expect(confirmed.status).toBe(200);
  return { secret, recoveryCodes: confirmed.body.recoveryCodes as string[] };
}

async function challengeOf(t: TestApp, member: StaffMember, ip = '192.0.2.200'): Promise<string> {
  const res = await t
    .http()
    .post(LOGIN)
    .set('X-Forwarded-For', ip)
    .send({ email: member.email, password: member.password });
  expectJson(res, 200, { mfaRequired: true, challengeToken: expect.stringMatching(/^[\w-]+\.[\w-]+\.[\w-]+$/) });
  return res.body.challengeToken as string;
}

describe('second factor (TOTP)', () => {
  const clock = new ManualClock(START);
  const app = useTestApp({ clock });
  let admin: StaffMember;

  beforeAll(async () => {
    admin = await createStaff(app(), 'admin');
  });

  const auditOf = (action: string, entityId: string) =>
    app().app.get(DataSource).getRepository(AuditEvent).findBy({ action, entityId });

  it('enrols: a base32 secret and its otpauth URI; confirmed by a code, it returns ten recovery codes', async () => {
    clock.set(START);
    const member = await createStaff(app(), 'editor');
    const res = await app().http().post(ENROL).set(member.auth);
    expectJson(res, 200, {
      secret: expect.stringMatching(/^[A-Z2-7]{32}$/),
      otpauthUri: expect.any(String),
    });
    const { secret, otpauthUri } = res.body as { secret: string; otpauthUri: string };
    expect(otpauthUri).toBe(
      `otpauth://totp/Well%20Clinic:${encodeURIComponent(member.email)}?secret=${secret}&issuer=Well%20Clinic`,
    );
    // Pending: sign-in still gives tokens.
    const pending = await app().http().post(LOGIN).send({ email: member.email, password: member.password });
    expect(pending.body.accessToken).toEqual(expect.any(String));

    const confirm = (body: object) => app().http().post(CONFIRM).set(member.auth).send(body);
    const wrong = { code: 'validation_failed', detail: 'password or code is not correct', instance: CONFIRM } as const;
    expectProblem(await confirm({ password: member.password, code: '000000' }), wrong);
    expectProblem(await confirm({ password: 'not-the-password', code: await codeAt(secret, clock) }), wrong);
    const refused = await confirm({ password: 'not-the-password', code: '000000' });
    expectProblem(refused, wrong);
    expect(refused.body.errors).toBeUndefined();
    expectInvalid(await confirm({ code: await codeAt(secret, clock) }), CONFIRM, [
      { field: 'password', message: 'password must be a string' },
    ]);
    const confirmed = await confirm({ password: member.password, code: await codeAt(secret, clock) });
    expectJson(confirmed, 200, { recoveryCodes: expect.any(Array) });
    const codes = confirmed.body.recoveryCodes as string[];
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    for (const code of codes) expect(code).toMatch(/^[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}$/);

    expectProblem(await app().http().post(ENROL).set(member.auth), {
      code: 'conflict',
      detail: 'A second factor is already on: turn it off first to enrol another device.',
      instance: ENROL,
    });
    expect(await auditOf('auth.mfa_enabled', member.user.id)).toHaveLength(1);

    // At rest the secret is encrypted with the data key, bound to its user.
    const stored = await app().app.get(DataSource).getRepository(User).findOneByOrFail({ id: member.user.id });
    expect(stored.totpSecretCipher).toMatch(/^v1\./);
    expect(stored.totpSecretCipher).not.toContain(secret);
    const recoveryRows = await app()
      .app.get(DataSource)
      .query<{ code_hash: string }[]>('SELECT code_hash FROM user_recovery_codes WHERE user_id = $1', [member.user.id]);
    expect(recoveryRows).toHaveLength(10);
    expect(JSON.stringify(recoveryRows)).not.toContain(codes[0]);
  });

  it('signs in in two steps: a challenge, then a code accepted once within its window', async () => {
    clock.set(START);
    const member = await createStaff(app(), 'frontdesk');
    const { secret } = await enableMfa(app(), member, clock);
    clock.advance(30_000);

    const challenge = await challengeOf(app(), member);
    const code = await codeAt(secret, clock);
    const res = await app().http().post(LOGIN_MFA).send({ challengeToken: challenge, code });
    expectJson(res, 200, {
      accessToken: expect.any(String),
      tokenType: 'Bearer',
      expiresIn: 900,
      refreshToken: expect.stringMatching(/^wcr_/),
      refreshTokenExpiresAt: expect.any(String),
      sessionId: expect.any(String),
      user: expect.objectContaining({ id: member.user.id, lastLoginAt: clock.now().toISOString(), mfaEnabled: true }),
    });
    expect(
      (
        await app()
          .http()
          .get(ME)
          .set(bearer(res.body.accessToken as string))
      ).status,
    ).toBe(200);

    // The same code again, on a new sign-in within the same 30 seconds: refused.
    const again = await challengeOf(app(), member);
    expectProblem(await app().http().post(LOGIN_MFA).send({ challengeToken: again, code }), BAD_CODE);
    // A challenge is no access token, and an access token is no challenge.
    expectProblem(await app().http().get(ME).set(bearer(again)), {
      code: 'unauthorized',
      detail: 'A valid bearer token is required.',
      instance: ME,
    });
    expectProblem(
      await app()
        .http()
        .post(LOGIN_MFA)
        .send({ challengeToken: res.body.accessToken, code: await codeAt(secret, clock) }),
      BAD_CHALLENGE,
    );
    clock.advance(30_000);
    const next = await app()
      .http()
      .post(LOGIN_MFA)
      .send({ challengeToken: again, code: await codeAt(secret, clock) });
    expect(next.status).toBe(200);
    expect(await auditOf('auth.login_failed', member.user.id)).toEqual([
      expect.objectContaining({ metadata: { reason: 'wrong_code' } }),
    ]);
  });

  it('accepts each recovery code once, in place of a code', async () => {
    clock.set(START);
    const member = await createStaff(app(), 'editor');
    const { recoveryCodes } = await enableMfa(app(), member, clock);
    const challenge = await challengeOf(app(), member);
    const typed = recoveryCodes[3].toUpperCase().replace(/-/g, ' ');
    const res = await app().http().post(LOGIN_MFA).send({ challengeToken: challenge, recoveryCode: typed });
    expect(res.status).toBe(200);
    expectProblem(
      await app().http().post(LOGIN_MFA).send({ challengeToken: challenge, recoveryCode: recoveryCodes[3] }),
      BAD_CODE,
    );
    const events = await auditOf('auth.login_succeeded', member.user.id);
    expect(events.map((e) => e.metadata)).toEqual([{ secondFactor: 'recovery_code', recoveryCodesLeft: 9 }]);
  });

  it('lets a challenge expire after 5 minutes', async () => {
    clock.set(START);
    const member = await createStaff(app(), 'editor');
    const { secret } = await enableMfa(app(), member, clock);
    const challenge = await challengeOf(app(), member);
    clock.advance(5 * 60_000 + 1000);
    expectProblem(
      await app()
        .http()
        .post(LOGIN_MFA)
        .send({ challengeToken: challenge, code: await codeAt(secret, clock) }),
      BAD_CHALLENGE,
    );
  });

  it('validates the second step', async () => {
    clock.set(START);
    const member = await createStaff(app(), 'editor');
    await enableMfa(app(), member, clock);
    const challengeToken = await challengeOf(app(), member);
    const post = (body: object) => app().http().post(LOGIN_MFA).send(body);
    const eitherOne = [{ field: 'code', message: 'send either code or recoveryCode' }];
    expectInvalid(await post({ challengeToken }), LOGIN_MFA, eitherOne);
    expectInvalid(
      await post({ challengeToken, code: '123456', recoveryCode: 'abcd-efgh-jkmn-pqrs' }),
      LOGIN_MFA,
      eitherOne,
    );
    expectInvalid(await post({ challengeToken, code: '12345' }), LOGIN_MFA, [
      { field: 'code', message: 'code must be 6 digits' },
    ]);
    expectInvalid(await post({ challengeToken, code: 123456 }), LOGIN_MFA, [
      { field: 'code', message: 'code must be a string' },
    ]);
    expectInvalid(await post({ challengeToken, recoveryCode: "' OR 1=1 --" }), LOGIN_MFA, [
      { field: 'recoveryCode', message: 'recoveryCode must be a recovery code such as abcd-efgh-jkmn-pqrs' },
    ]);
    expectInvalid(await post({ challengeToken: 'nope', code: '123456' }), LOGIN_MFA, [
      { field: 'challengeToken', message: 'challengeToken must be the challengeToken of a sign-in' },
    ]);
    expectInvalid(await post({ challengeToken, code: '123456', remember: true }), LOGIN_MFA, [
      unknownField('remember'),
    ]);
    expectInvalid(
      await app().http().post(CONFIRM).set(member.auth).send({ password: member.password, code: 'abcdef' }),
      CONFIRM,
      [{ field: 'code', message: 'code must be 6 digits' }],
    );
  });

  it('turns off with the password and a current code, not otherwise', async () => {
    clock.set(START);
    const member = await createStaff(app(), 'editor');
    const { secret } = await enableMfa(app(), member, clock);
    clock.advance(30_000);
    const disable = (body: object) => app().http().delete(ENROL).set(member.auth).send(body);
    // One answer whichever failed: it does not tell a guesser that the password was right.
    const wrong = { code: 'validation_failed', detail: 'password or code is not correct', instance: ENROL } as const;
    for (const body of [
      { password: 'not-the-password', code: '000000' },
      { password: member.password, code: '000000' },
      { password: 'not-the-password', code: await codeAt(secret, clock) },
    ]) {
      const res = await disable(body);
      expectProblem(res, wrong);
      expect(res.body.errors).toBeUndefined();
    }
    expectInvalid(await disable({ code: await codeAt(secret, clock) }), ENROL, [
      { field: 'password', message: 'password must be a string' },
    ]);
    expectNoContent(await disable({ password: member.password, code: await codeAt(secret, clock) }));
    const res = await app().http().post(LOGIN).send({ email: member.email, password: member.password });
    expect(res.body.accessToken).toEqual(expect.any(String));
    expectProblem(await disable({ password: member.password, code: '123456' }), {
      code: 'conflict',
      detail: 'There is no second factor to turn off.',
      instance: ENROL,
    });
  });

  it('ends the user’s other sessions when the factor is turned on or off, not the current one', async () => {
    clock.set(START);
    const member = await createStaff(app(), 'editor');
    const signIn = async () => {
      const res = await app().http().post(LOGIN).send({ email: member.email, password: member.password });
      return bearer(res.body.accessToken as string);
    };
    const other = await signIn();
    expect((await app().http().get(ME).set(other)).status).toBe(200);
    const { secret } = await enableMfa(app(), member, clock);
    expect((await app().http().get(ME).set(other)).status).toBe(401);
    expect((await app().http().get(ME).set(member.auth)).status).toBe(200);
    expect(await auditOf('auth.mfa_enabled', member.user.id)).toEqual([
      expect.objectContaining({ metadata: expect.objectContaining({ sessionsEnded: expect.any(Number) }) }),
    ]);

    // A new session after turning it on (with the second factor), then turned off from the first one.
    clock.advance(30_000);
    const challengeToken = await challengeOf(app(), member);
    const second = await app()
      .http()
      .post(LOGIN_MFA)
      .send({ challengeToken, code: await codeAt(secret, clock) });
    expect(second.status).toBe(200);
    const secondAuth = bearer(second.body.accessToken as string);
    clock.advance(30_000);
    expectNoContent(
      await app()
        .http()
        .delete(ENROL)
        .set(member.auth)
        .send({ password: member.password, code: await codeAt(secret, clock) }),
    );
    expect((await app().http().get(ME).set(secondAuth)).status).toBe(401);
    expect((await app().http().get(ME).set(member.auth)).status).toBe(200);
    expect(await auditOf('auth.mfa_disabled', member.user.id)).toEqual([
      expect.objectContaining({ metadata: { sessionsEnded: 1 } }),
    ]);
  });

  it('lets an admin remove another user’s second factor (audited), and nobody else', async () => {
    clock.set(START);
    const member = await createStaff(app(), 'frontdesk');
    await enableMfa(app(), member, clock);
    const path = `${ADMIN_USERS}/${member.user.id}/mfa`;
    expectProblem(await app().http().delete(path).set(member.auth), {
      code: 'forbidden',
      detail: 'This requires one of the roles: admin.',
      instance: path,
    });
    expectNoContent(await app().http().delete(path).set(admin.auth));
    const res = await app().http().post(LOGIN).send({ email: member.email, password: member.password });
    expect(res.body.accessToken).toEqual(expect.any(String));
    expect(await auditOf('user.mfa_reset', member.user.id)).toEqual([
      expect.objectContaining({ actorId: admin.user.id, metadata: { hadSecondFactor: true } }),
    ]);
    const unknown = `${ADMIN_USERS}/00000000-0000-4000-8000-000000000000/mfa`;
    expectProblem(await app().http().delete(unknown).set(admin.auth), {
      code: 'not_found',
      detail: 'No user with this id.',
      instance: unknown,
    });
  });

  it('re-encrypts the secrets under a new data key (npm run reencrypt)', async () => {
    clock.set(START);
    const member = await createStaff(app(), 'editor');
    const { secret } = await enableMfa(app(), member, clock);
    const old = Buffer.from(TEST_DATA_ENCRYPTION_KEY, 'base64');
    const rotated = new DataCipher(Buffer.alloc(32, 9), [old]);
    const dataSource = app().app.get(DataSource);
    expect(await reencryptTotpSecrets(dataSource, rotated)).toBeGreaterThanOrEqual(1);
    const stored = await dataSource.getRepository(User).findOneByOrFail({ id: member.user.id });
    expect(rotated.isCurrent(stored.totpSecretCipher!)).toBe(true);
    expect(
      new DataCipher(Buffer.alloc(32, 9)).decrypt(stored.totpSecretCipher!, totpSecretContext(member.user.id)),
    ).toBe(secret);
    // Back under the tests' key, for the suite's other apps.
    expect(await reencryptTotpSecrets(dataSource, new DataCipher(old, [Buffer.alloc(32, 9)]))).toBeGreaterThanOrEqual(
      1,
    );
  });
});

describe('second factor: limits and required roles', () => {
  it('limits wrong codes per account, whatever the client', () => {
    const clock = new ManualClock(START);
    return withTestApp(
      { clock, env: { RATE_LIMIT_LOGIN_LIMIT: '3', RATE_LIMIT_LOGIN_EMAIL_LIMIT: '100', TRUST_PROXY: '1' } },
      async (t) => {
        const member = await createStaff(t, 'editor');
        const { secret } = await enableMfa(t, member, clock);
        clock.advance(30_000);
        for (let i = 0; i < 3; i++) {
          const challengeToken = await challengeOf(t, member);
          expectProblem(
            await t
              .http()
              .post(LOGIN_MFA)
              .set('X-Forwarded-For', `203.0.113.${i + 1}`)
              .send({ challengeToken, code: '000000' }),
            BAD_CODE,
          );
        }
        const challengeToken = await challengeOf(t, member);
        const res = await t
          .http()
          .post(LOGIN_MFA)
          .set('X-Forwarded-For', '198.51.100.7')
          .send({ challengeToken, code: await codeAt(secret, clock) });
        expect(res.status).toBe(429);
        expect(res.body.code).toBe('rate_limited');
        expect(res.headers['retry-after']).toEqual(expect.stringMatching(/^\d+$/));
        // Another account is not affected.
        const other = await createStaff(t, 'editor');
        const enrolled = await enableMfa(t, other, clock);
        const otherChallenge = await challengeOf(t, other);
        clock.advance(30_000);
        const ok = await t
          .http()
          .post(LOGIN_MFA)
          .send({ challengeToken: otherChallenge, code: await codeAt(enrolled.secret, clock) });
        expect(ok.status).toBe(200);
      },
    );
  });

  it('limits wrong codes per client IP too, across accounts, like sign-ins', () => {
    const clock = new ManualClock(START);
    return withTestApp(
      { clock, env: { RATE_LIMIT_LOGIN_LIMIT: '3', RATE_LIMIT_LOGIN_EMAIL_LIMIT: '100', TRUST_PROXY: '1' } },
      async (t) => {
        const first = await createStaff(t, 'editor');
        const second = await createStaff(t, 'editor');
        await enableMfa(t, first, clock);
        const { secret } = await enableMfa(t, second, clock);
        clock.advance(30_000);
        const guess = async (member: StaffMember, code: string, ip: string) =>
          t
            .http()
            .post(LOGIN_MFA)
            .set('X-Forwarded-For', ip)
            .send({ challengeToken: await challengeOf(t, member), code });
        expectProblem(await guess(first, '000000', '203.0.113.9'), BAD_CODE);
        expectProblem(await guess(first, '000000', '203.0.113.9'), BAD_CODE);
        expectProblem(await guess(second, '000000', '203.0.113.9'), BAD_CODE);
        // The address has used its failures; the second account has not (one of three).
        const refused = await guess(second, await codeAt(secret, clock), '203.0.113.9');
        expect(refused.status).toBe(429);
        expect(refused.body.code).toBe('rate_limited');
        expect(refused.headers['retry-after']).toEqual(expect.stringMatching(/^\d+$/));
        const ok = await guess(second, await codeAt(secret, clock), '198.51.100.20');
        expect(ok.status).toBe(200);
      },
    );
  });

  it('caps wrong codes per account at 20 a day, until the day ends or an admin resets the factor', () => {
    const clock = new ManualClock(START);
    return withTestApp(
      { clock, env: { RATE_LIMIT_LOGIN_LIMIT: '100', RATE_LIMIT_LOGIN_EMAIL_LIMIT: '200', TRUST_PROXY: '1' } },
      async (t) => {
        const admin = await createStaff(t, 'admin');
        const member = await createStaff(t, 'editor');
        const { secret } = await enableMfa(t, member, clock);
        clock.advance(30_000);
        const challengeToken = await challengeOf(t, member);
        for (let i = 0; i < 20; i++) {
          const res = await t
            .http()
            .post(LOGIN_MFA)
            .set('X-Forwarded-For', `198.51.100.${i + 1}`)
            .send({ challengeToken, code: '000000' });
          expectProblem(res, BAD_CODE);
        }
        // Minutes later the login window has refilled, the day's cap has not.
        clock.advance(2 * 60_000);
        const refused = await t
          .http()
          .post(LOGIN_MFA)
          .set('X-Forwarded-For', '192.0.2.77')
          .send({ challengeToken: await challengeOf(t, member), code: await codeAt(secret, clock) });
        expect(refused.status).toBe(429);
        expect(refused.body.code).toBe('rate_limited');
        expect(Number(refused.headers['retry-after'])).toBeGreaterThan(23 * 60 * 60);

        expectNoContent(await t.http().delete(`${ADMIN_USERS}/${member.user.id}/mfa`).set(admin.auth));
        const renewed = await enableMfa(t, member, clock);
        clock.advance(30_000);
        const ok = await t
          .http()
          .post(LOGIN_MFA)
          .set('X-Forwarded-For', '192.0.2.77')
          .send({ challengeToken: await challengeOf(t, member), code: await codeAt(renewed.secret, clock) });
        expect(ok.status).toBe(200);
      },
    );
  });

  it('lets a user whose role requires a second factor only enrol until they have one', () => {
    const clock = new ManualClock(START);
    return withTestApp({ clock, env: { MFA_REQUIRED_ROLES: 'admin,frontdesk' } }, async (t) => {
      const frontdesk = await createStaff(t, 'frontdesk');
      const editor = await createStaff(t, 'editor');
      const res = await t.http().post(LOGIN).send({ email: frontdesk.email, password: frontdesk.password });
      const token = res.body.accessToken as string;
      const hours = '/api/v1/admin/contact-requests';
      expectProblem(await t.http().get(hours).set(bearer(token)), {
        code: 'mfa_enrolment_required',
        detail:
          'The frontdesk role requires a second factor: enrol at POST /api/v1/auth/mfa/totp, then confirm with POST /api/v1/auth/mfa/totp/confirm.',
        instance: hours,
      });
      expect((await t.http().get(ME).set(bearer(token))).status).toBe(200);
      expect((await t.http().get('/api/v1/auth/sessions').set(bearer(token))).status).toBe(200);
      // Other roles are not concerned.
      expect((await t.http().get('/api/v1/admin/articles').set(editor.auth)).status).toBe(200);

      await enableMfa(t, { ...frontdesk, auth: bearer(token) }, clock);
      expect((await t.http().get(hours).set(bearer(token))).status).toBe(200);
    });
  });
});
