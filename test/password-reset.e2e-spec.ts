import { DataSource } from 'typeorm';
import { AuditEvent } from '../src/audit/audit-event.entity.js';
import { ManualClock } from '../src/common/clock/clock.js';
import { MailDispatcher } from '../src/mail/index.js';
import { bearer, createStaff, LOGIN, type StaffMember } from './factories/index.js';
import { expectInvalid, expectNoContent } from './utils/expect-problem.js';
import { mustBeString, unknownField } from './utils/field-errors.js';
import { SmtpSink } from './utils/smtp-sink.js';
import { createTestApp, logs, type TestApp, withTestApp } from './utils/test-app.js';

const RESET = '/api/v1/auth/password-reset';
const CONFIRM = '/api/v1/auth/password-reset/confirm';
const REFRESH = '/api/v1/auth/refresh';
const ME = '/api/v1/auth/me';
const RESET_PAGE = 'https://staff.clinic.test/reset-password';
const START = new Date('2031-07-08T10:00:00.000Z');
const NEW_PASSWORD = 'a-fresh-harbor-passphrase';
const BAD_TOKEN = [{ field: 'token', message: 'token is not valid: it was used, has expired or was never issued' }];

describe('password reset by email', () => {
  const sink = new SmtpSink();
  const clock = new ManualClock(START);
  let app: TestApp | undefined;
  const t = () => app!;

  beforeAll(async () => {
    await sink.start();
    app = await createTestApp({
      env: { SMTP_URL: sink.url, SMTP_FROM: 'Well Clinic <noreply@clinic.test>', PASSWORD_RESET_URL: RESET_PAGE },
      clock,
      // The dispatcher sends every due message of its database: only this suite's.
      isolatedDatabase: true,
    });
  }, 120_000);
  afterAll(async () => {
    await app?.close();
    await sink.stop();
  });

  const ask = (email: string) => t().http().post(RESET).send({ email });
  const dispatch = () => t().app.get(MailDispatcher).runOnce();
  const tokenFrom = (to: string) => {
    const mail = sink.to(to).at(-1)!;
    const link = /https:\/\/staff\.clinic\.test\/reset-password\?token=([\w-]+)/.exec(mail.parsed.text ?? '');
    return link![1];
  };
  const count = async (table: string) =>
    Number((await t().app.get(DataSource).query<{ n: string }[]>(`SELECT count(*) AS n FROM ${table}`))[0].n);

  it('fails a message whose token cannot be decrypted on its own, without content in the log; the rest goes out', async () => {
    clock.set(START);
    const broken = await createStaff(t(), 'editor');
    const fine = await createStaff(t(), 'editor');
    expect((await ask(broken.email)).status).toBe(202);
    expect((await ask(fine.email)).status).toBe(202);
    const db = t().app.get(DataSource);
    // The broken one's message by its user (both were written at the same instant of the test clock).
    await db.query(
      `UPDATE mail_outbox SET params = jsonb_set(params, '{secret}', '"v1:not-a-ciphertext"')
        WHERE status = 'pending' AND kind = 'user.password_reset' AND entity_id = $1`,
      [broken.user.id],
    );
    logs.lines.length = 0;
    expect(await dispatch()).toEqual({ claimed: 2, sent: 1, retried: 0, failed: 1 });
    expect(sink.to(fine.email)).toHaveLength(1);
    expect(sink.to(broken.email)).toHaveLength(0);
    const rows = await db.query<{ status: string; params: Record<string, unknown>; last_error: string | null }[]>(
      "SELECT status, params, last_error FROM mail_outbox WHERE kind = 'user.password_reset' AND entity_id = ANY($1)",
      [[broken.user.id, fine.user.id]],
    );
    expect(rows.map((r) => r.status).sort()).toEqual(['failed', 'sent']);
    expect(rows.find((r) => r.status === 'failed')!.last_error).toBe('content could not be decrypted');
    for (const row of rows) expect(row.params).not.toHaveProperty('secret');
    expect(logs.text).toContain('failed for good (content could not be decrypted)');
    expect(logs.text).not.toContain('not-a-ciphertext');
    expect(logs.text).not.toContain(broken.email);
  });

  it('emails a single-use link; the new password works, the old one and every session end', async () => {
    clock.set(START);
    const member: StaffMember = await createStaff(t(), 'frontdesk');
    const session = await t().http().post(LOGIN).send({ email: member.email, password: member.password });
    logs.lines.length = 0;

    const res = await ask(member.email.toUpperCase());
    expect(res.status).toBe(202);
    expect(res.text).toBe('');
    expect(await dispatch()).toEqual({ claimed: 1, sent: 1, retried: 0, failed: 0 });
    const [mail] = sink.to(member.email);
    expect(mail.parsed.subject).toBe('Reset your Well Clinic password');
    expect(mail.parsed.text).toContain('The link works once, until 2031-07-08 10:30 UTC.');
    expect(String(mail.parsed.html)).toContain(`href="${RESET_PAGE}?token=wcp_`);
    const token = tokenFrom(member.email);
    expect(token).toMatch(/^wcp_[\w-]{43}$/);
    // The token is nowhere in clear: not in the database, not in the log.
    const stored = await t()
      .app.get(DataSource)
      .query<{ params: object; token_hash: string }[]>(
        'SELECT m.params, t.token_hash FROM mail_outbox m, password_reset_tokens t WHERE t.user_id = $1',
        [member.user.id],
      );
    expect(JSON.stringify(stored)).not.toContain(token);
    expect(logs.text).not.toContain(token);
    expect(logs.text).not.toContain(member.email);
    // Sent: the encrypted token is cleared from the outbox, and the log does not count the recipients.
    for (const row of stored) expect(row.params).not.toHaveProperty('secret');
    expect(logs.text).not.toMatch(/sent to \d recipient/);

    clock.advance(29 * 60_000);
    expectNoContent(await t().http().post(CONFIRM).send({ token, password: NEW_PASSWORD }));
    expect((await t().http().post(LOGIN).send({ email: member.email, password: member.password })).status).toBe(401);
    expect((await t().http().post(LOGIN).send({ email: member.email, password: NEW_PASSWORD })).status).toBe(200);
    expect(
      (
        await t()
          .http()
          .get(ME)
          .set(bearer(session.body.accessToken as string))
      ).status,
    ).toBe(401);
    expect((await t().http().post(REFRESH).send({ refreshToken: session.body.refreshToken })).status).toBe(401);
    // Used once: never again.
    expectInvalid(
      await t().http().post(CONFIRM).send({ token, password: 'yet-another-passphrase' }),
      CONFIRM,
      BAD_TOKEN,
    );

    const events = await t()
      .app.get(DataSource)
      .getRepository(AuditEvent)
      .find({ where: { entityId: member.user.id }, order: { occurredAt: 'ASC' } });
    expect(events.map((e) => [e.action, e.metadata])).toEqual(
      expect.arrayContaining([
        ['auth.password_reset_requested', {}],
        ['auth.password_reset', { sessionsEnded: 1 }],
      ]),
    );
  });

  it('answers the same for an unknown or deactivated address, writes the same rows, and emails nobody', async () => {
    clock.set(START);
    const inactive = await createStaff(t(), 'editor');
    await t().app.get(DataSource).query('UPDATE users SET active = false WHERE id = $1', [inactive.user.id]);
    for (const email of ['nobody-here@wellclinic.test', inactive.email]) {
      const [tokens, messages, received] = [
        await count('password_reset_tokens'),
        await count('mail_outbox'),
        sink.received.length,
      ];
      const res = await ask(email);
      expect({ status: res.status, text: res.text }).toEqual({ status: 202, text: '' });
      expect([await count('password_reset_tokens'), await count('mail_outbox')]).toEqual([tokens + 1, messages + 1]);
      expect(await dispatch()).toEqual({ claimed: 1, sent: 1, retried: 0, failed: 0 });
      expect(sink.received.length).toBe(received);
    }
  });

  it('lets a link expire after 30 minutes, and a newer request replace an older link', async () => {
    clock.set(START);
    const member = await createStaff(t(), 'editor');
    await ask(member.email);
    await dispatch();
    const first = tokenFrom(member.email);
    clock.advance(30 * 60_000);
    expectInvalid(await t().http().post(CONFIRM).send({ token: first, password: NEW_PASSWORD }), CONFIRM, BAD_TOKEN);

    await ask(member.email);
    await dispatch();
    const second = tokenFrom(member.email);
    await ask(member.email);
    await dispatch();
    const third = tokenFrom(member.email);
    expectInvalid(await t().http().post(CONFIRM).send({ token: second, password: NEW_PASSWORD }), CONFIRM, BAD_TOKEN);
    expectNoContent(await t().http().post(CONFIRM).send({ token: third, password: NEW_PASSWORD }));
  });

  it('holds the new password to the policy, the account’s own email included', async () => {
    clock.set(START);
    const member = await createStaff(t(), 'editor');
    await ask(member.email);
    await dispatch();
    const token = tokenFrom(member.email);
    expectInvalid(await t().http().post(CONFIRM).send({ token, password: 'short' }), CONFIRM, [
      { field: 'password', message: 'password must be at least 12 characters' },
    ]);
    expectInvalid(await t().http().post(CONFIRM).send({ token, password: member.email }), CONFIRM, [
      { field: 'password', message: 'password must not be the email address' },
    ]);
    // The token survives a refused password.
    expectNoContent(await t().http().post(CONFIRM).send({ token, password: NEW_PASSWORD }));
  });

  it('validates both bodies', async () => {
    expectInvalid(await t().http().post(RESET).send({}), RESET, [
      { field: 'email', message: 'email must be an email address' },
    ]);
    expectInvalid(await t().http().post(RESET).send({ email: "x' OR 1=1 --" }), RESET, [
      { field: 'email', message: 'email must be an email address' },
    ]);
    expectInvalid(await t().http().post(RESET).send({ email: 'a@wellclinic.test', role: 'admin' }), RESET, [
      unknownField('role'),
    ]);
    expectInvalid(await t().http().post(CONFIRM).send({ password: NEW_PASSWORD }), CONFIRM, [mustBeString('token')]);
    expectInvalid(
      await t()
        .http()
        .post(CONFIRM)
        .send({ token: 'wcp_x'.repeat(30), password: NEW_PASSWORD }),
      CONFIRM,
      [{ field: 'token', message: 'token must be shorter than or equal to 100 characters' }],
    );
    expectInvalid(
      await t().http().post(CONFIRM).send({ token: 'wcp_unknown', password: NEW_PASSWORD }),
      CONFIRM,
      BAD_TOKEN,
    );
  });
});

describe('password reset: limits', () => {
  it('counts every request and every refused token against the client’s sign-in budget', () =>
    withTestApp(
      {
        env: {
          RATE_LIMIT_LOGIN_LIMIT: '2',
          RATE_LIMIT_LOGIN_EMAIL_LIMIT: '100',
          // Email off: nothing is written to the shared database's outbox, and the requests count all the same.
        },
      },
      async (t) => {
        for (let i = 0; i < 2; i++) {
          expect((await t.http().post(RESET).send({ email: 'someone@wellclinic.test' })).status).toBe(202);
        }
        const refused = await t.http().post(RESET).send({ email: 'someone-else@wellclinic.test' });
        expect(refused.status).toBe(429);
        expect({ status: refused.status, code: refused.body.code }).toEqual({ status: 429, code: 'rate_limited' });
        expect((await t.http().post(CONFIRM).send({ token: 'wcp_guess', password: NEW_PASSWORD })).status).toBe(429);
      },
    ));

  it('refuses guessed tokens per client once over budget; invalid input costs nothing', () =>
    withTestApp({ env: { RATE_LIMIT_LOGIN_LIMIT: '2', RATE_LIMIT_LOGIN_EMAIL_LIMIT: '100' } }, async (t) => {
      for (let i = 0; i < 3; i++) {
        expectInvalid(await t.http().post(CONFIRM).send({ token: 'wcp_guess', password: 'short' }), CONFIRM, [
          { field: 'password', message: 'password must be at least 12 characters' },
        ]);
      }
      for (let i = 0; i < 2; i++) {
        const res = await t
          .http()
          .post(CONFIRM)
          .send({ token: `wcp_guess${i}`, password: NEW_PASSWORD });
        expectInvalid(res, CONFIRM, BAD_TOKEN);
      }
      const refused = await t.http().post(CONFIRM).send({ token: 'wcp_guess', password: NEW_PASSWORD });
      expect({ status: refused.status, code: refused.body.code }).toEqual({ status: 429, code: 'rate_limited' });
      expect(refused.headers['retry-after']).toEqual(expect.stringMatching(/^\d+$/));
    }));
});
