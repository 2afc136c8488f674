import { DataSource } from 'typeorm';
import { FEATURE_REGISTRY } from '../src/app.module.js';
import { AuditEvent } from '../src/audit/audit-event.entity.js';
import { ManualClock } from '../src/common/clock/clock.js';
import { AppConfig } from '../src/config/app-config.js';
import { runPurges } from '../src/maintenance/run-purges.js';
import { UserSession } from '../src/users/user-session.entity.js';
import { ADMIN_USERS, bearer, createStaff, LOGIN, type StaffMember } from './factories/index.js';
import {
  expectInvalid,
  expectJson,
  expectNoContent,
  expectProblem,
  ISO,
  pageMeta,
  UUID,
} from './utils/expect-problem.js';
import { mustBeString, tooLong, unknownField } from './utils/field-errors.js';
import { logs, useTestApp } from './utils/test-app.js';

const REFRESH = '/api/v1/auth/refresh';
const LOGOUT = '/api/v1/auth/logout';
const SESSIONS = '/api/v1/auth/sessions';
const ME = '/api/v1/auth/me';
const FIREFOX = 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0';
const SAFARI =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1';
const DAY = 86_400_000;

interface Tokens {
  accessToken: string;
  refreshToken: string;
  refreshTokenExpiresAt: string;
  sessionId: string;
}

const NOT_VALID = (instance: string) =>
  ({ code: 'unauthorized', detail: 'The refresh token is not valid.', instance }) as const;
const NO_TOKEN = { code: 'unauthorized', detail: 'A valid bearer token is required.' } as const;

describe('sessions: refresh tokens, sign-out, listing and ending them', () => {
  const clock = new ManualClock(new Date('2031-03-04T09:00:00.000Z'));
  const app = useTestApp({ clock });
  let admin: StaffMember;

  beforeAll(async () => {
    admin = await createStaff(app(), 'admin');
  });

  const signIn = async (member: StaffMember, userAgent = FIREFOX): Promise<Tokens> => {
    const res = await app()
      .http()
      .post(LOGIN)
      .set('User-Agent', userAgent)
      .send({ email: member.email, password: member.password });
    expect(res.status).toBe(200);
    return res.body as Tokens;
  };
  const refresh = (refreshToken: string) => app().http().post(REFRESH).send({ refreshToken });
  const me = (accessToken: string) => app().http().get(ME).set(bearer(accessToken));
  const auditOf = (action: string, entityId: string) =>
    app().app.get(DataSource).getRepository(AuditEvent).findBy({ action, entityId });

  it('signs in with a session that lasts REFRESH_TOKEN_TTL, and refreshes into a new pair', async () => {
    const member = await createStaff(app(), 'editor');
    const first = await signIn(member);
    expect(first.refreshTokenExpiresAt).toBe(new Date(clock.now().getTime() + 14 * DAY).toISOString());

    clock.advance(10 * 60_000);
    const res = await refresh(first.refreshToken);
    expectJson(res, 200, {
      accessToken: expect.stringMatching(/^[\w-]+\.[\w-]+\.[\w-]+$/),
      tokenType: 'Bearer',
      expiresIn: 900,
      refreshToken: expect.stringMatching(/^wcr_[\w-]{43}$/),
      refreshTokenExpiresAt: new Date(clock.now().getTime() + 14 * DAY).toISOString(),
      sessionId: first.sessionId,
      user: expect.objectContaining({ id: member.user.id, email: member.email, role: 'editor' }),
    });
    const second = res.body as Tokens;
    expect(second.refreshToken).not.toBe(first.refreshToken);
    expect((await me(second.accessToken)).status).toBe(200);
    // Still the same session: the first access token works until it expires.
    expect((await me(first.accessToken)).status).toBe(200);
    expect((await refresh(second.refreshToken)).status).toBe(200);
  });

  it('ends the whole session when a used refresh token comes back, and audits it', async () => {
    const member = await createStaff(app(), 'frontdesk');
    const first = await signIn(member);
    const second = (await refresh(first.refreshToken)).body as Tokens;

    // Someone replays the first refresh token: the session (family) ends for both holders.
    expectProblem(await refresh(first.refreshToken), NOT_VALID(REFRESH));
    expectProblem(await refresh(second.refreshToken), NOT_VALID(REFRESH));
    expectProblem(await me(second.accessToken), { ...NO_TOKEN, instance: ME });
    expect(await auditOf('auth.refresh_token_reused', member.user.id)).toEqual([
      expect.objectContaining({
        actorType: 'user',
        actorId: member.user.id,
        entityType: 'user',
        metadata: { sessionId: first.sessionId },
      }),
    ]);
    // Another sign-in of the same user is not affected.
    const other = await signIn(member);
    expect((await refresh(other.refreshToken)).status).toBe(200);
  });

  it('lets only one of two concurrent refreshes with the same token through, and then ends the session', async () => {
    const member = await createStaff(app(), 'editor');
    const tokens = await signIn(member);
    logs.lines.length = 0;
    const results = await Promise.all([refresh(tokens.refreshToken), refresh(tokens.refreshToken)]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 401]);
    const winner = results.find((r) => r.status === 200)!.body as Tokens;
    // The loser presented a used token: the session is over for both.
    expectProblem(await refresh(winner.refreshToken), NOT_VALID(REFRESH));
    // Tokens never reach the log.
    for (const secret of [tokens.refreshToken, winner.refreshToken, winner.accessToken]) {
      expect(logs.text).not.toContain(secret);
    }
  });

  it('refuses refresh tokens never issued, malformed, or of an expired session', async () => {
    for (const token of ['wcr_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', 'not-a-refresh-token', "' OR 1=1 --"]) {
      expectProblem(await refresh(token), NOT_VALID(REFRESH));
    }
    const member = await createStaff(app(), 'editor');
    const tokens = await signIn(member);
    clock.advance(14 * DAY);
    expectProblem(await refresh(tokens.refreshToken), NOT_VALID(REFRESH));
  });

  it('never lets a session outlive SESSION_MAX_AGE, however often it is refreshed', async () => {
    const member = await createStaff(app(), 'editor');
    let tokens = await signIn(member);
    const started = clock.now().getTime();
    for (let day = 1; day < 30; day += 7) {
      clock.set(new Date(started + day * DAY));
      const res = await refresh(tokens.refreshToken);
      expect(res.status).toBe(200);
      tokens = res.body as Tokens;
    }
    expect(tokens.refreshTokenExpiresAt).toBe(new Date(started + 30 * DAY).toISOString());
    clock.set(new Date(started + 30 * DAY));
    expectProblem(await refresh(tokens.refreshToken), NOT_VALID(REFRESH));
  });

  it('signs out with the refresh token (204, idempotent), ending its access tokens at once', async () => {
    const member = await createStaff(app(), 'editor');
    const tokens = await signIn(member);
    expectNoContent(await app().http().post(LOGOUT).send({ refreshToken: tokens.refreshToken }));
    expectProblem(await me(tokens.accessToken), { ...NO_TOKEN, instance: ME });
    expectProblem(await refresh(tokens.refreshToken), NOT_VALID(REFRESH));
    expectNoContent(await app().http().post(LOGOUT).send({ refreshToken: tokens.refreshToken }));
    expectNoContent(await app().http().post(LOGOUT).send({ refreshToken: 'wcr_unknown' }));
    expect(await auditOf('auth.logout', member.user.id)).toHaveLength(1);
  });

  it.each([REFRESH, LOGOUT])('validates the body of %s', async (path) => {
    const post = (body: unknown) =>
      app()
        .http()
        .post(path)
        .send(body as object);
    expectInvalid(await post({}), path, [mustBeString('refreshToken')]);
    expectInvalid(await post({ refreshToken: 42 }), path, [mustBeString('refreshToken')]);
    expectInvalid(await post({ refreshToken: `wcr_${'a'.repeat(100)}` }), path, [tooLong('refreshToken', 100)]);
    expectInvalid(await post({ refreshToken: 'wcr_x', extra: 1 }), path, [unknownField('extra')]);
  });

  it('lists your own live sessions: device hint, network, times and the current one', async () => {
    const member = await createStaff(app(), 'frontdesk');
    const laptop = await signIn(member, FIREFOX);
    clock.advance(60_000);
    const phone = await signIn(member, SAFARI);
    const ended = await signIn(member, SAFARI);
    await app().http().post(LOGOUT).send({ refreshToken: ended.refreshToken });
    await signIn(admin);

    const res = await app().http().get(SESSIONS).set(bearer(laptop.accessToken));
    const at = (ms: number) => new Date(ms).toISOString();
    const phoneAt = clock.now().getTime();
    expectJson(res, 200, {
      data: [
        {
          id: phone.sessionId,
          device: 'Safari on iOS',
          ipPrefix: '127.0.0.0/24',
          createdAt: at(phoneAt),
          lastUsedAt: at(phoneAt),
          expiresAt: at(phoneAt + 14 * DAY),
          current: false,
        },
        {
          id: laptop.sessionId,
          device: 'Firefox on Linux',
          ipPrefix: '127.0.0.0/24',
          createdAt: at(phoneAt - 60_000),
          lastUsedAt: at(phoneAt - 60_000),
          expiresAt: at(phoneAt - 60_000 + 14 * DAY),
          current: true,
        },
      ],
      meta: pageMeta(2),
    });
    expect(JSON.stringify(res.body)).not.toContain('127.0.0.1');
    const paged = await app().http().get(`${SESSIONS}?page=2&pageSize=1`).set(bearer(laptop.accessToken));
    expect(paged.body).toEqual({ data: [expect.objectContaining({ id: laptop.sessionId })], meta: pageMeta(2, 2, 1) });
    expectInvalid(await app().http().get(`${SESSIONS}?pageSize=0`).set(bearer(laptop.accessToken)), SESSIONS, [
      { field: 'pageSize', message: 'pageSize must not be less than 1' },
    ]);
  });

  it('ends one of your own sessions (404 for anyone else’s), its tokens at once', async () => {
    const member = await createStaff(app(), 'editor');
    const kept = await signIn(member);
    const lost = await signIn(member, SAFARI);
    const theirs = await signIn(admin);

    const path = (id: string) => `${SESSIONS}/${id}`;
    const end = (id: string) => app().http().delete(path(id)).set(bearer(kept.accessToken));
    const notFound = (id: string) =>
      ({ code: 'not_found', detail: 'No live session with this id.', instance: path(id) }) as const;
    expectProblem(await end(theirs.sessionId), notFound(theirs.sessionId));
    expectNoContent(await end(lost.sessionId));
    expectProblem(await end(lost.sessionId), notFound(lost.sessionId));
    expectProblem(await me(lost.accessToken), { ...NO_TOKEN, instance: ME });
    expectProblem(await refresh(lost.refreshToken), NOT_VALID(REFRESH));
    expect((await me(kept.accessToken)).status).toBe(200);
    expect((await me(theirs.accessToken)).status).toBe(200);
    expectInvalid(await end('not-a-uuid'), path('not-a-uuid'), [{ field: 'id', message: 'id must be a UUID' }]);
    expectProblem(await app().http().delete(path(kept.sessionId)), { ...NO_TOKEN, instance: path(kept.sessionId) });
    // Your own current session too.
    expectNoContent(await end(kept.sessionId));
    expectProblem(await me(kept.accessToken), { ...NO_TOKEN, instance: ME });
  });

  it('lets an admin end all of a user’s sessions (audited); others may not', async () => {
    const member = await createStaff(app(), 'frontdesk');
    const a = await signIn(member);
    const b = await signIn(member, SAFARI);
    const path = `${ADMIN_USERS}/${member.user.id}/sessions`;
    expectProblem(await app().http().delete(path).set(bearer(a.accessToken)), {
      code: 'forbidden',
      detail: 'This requires one of the roles: admin.',
      instance: path,
    });
    expectNoContent(await app().http().delete(path).set(admin.auth));
    for (const tokens of [a, b]) {
      expectProblem(await me(tokens.accessToken), { ...NO_TOKEN, instance: ME });
      expectProblem(await refresh(tokens.refreshToken), NOT_VALID(REFRESH));
    }
    expectProblem(await me(member.token), { ...NO_TOKEN, instance: ME });
    expect(await auditOf('user.sessions_ended', member.user.id)).toEqual([
      expect.objectContaining({ actorId: admin.user.id, metadata: { sessions: 2 } }),
    ]);
    const unknown = `${ADMIN_USERS}/00000000-0000-4000-8000-000000000000/sessions`;
    expectProblem(await app().http().delete(unknown).set(admin.auth), {
      code: 'not_found',
      detail: 'No user with this id.',
      instance: unknown,
    });
  });

  it('ends sessions on a real change of password or role, not on a PATCH that repeats them', async () => {
    const member = await createStaff(app(), 'editor');
    const tokens = await signIn(member);
    const patch = (body: object) => app().http().patch(`${ADMIN_USERS}/${member.user.id}`).set(admin.auth).send(body);

    expect((await patch({ role: 'editor', password: member.password, displayName: 'Same Person' })).status).toBe(200);
    expect((await me(tokens.accessToken)).status).toBe(200);
    const refreshed = await refresh(tokens.refreshToken);
    expect(refreshed.status).toBe(200);
    const current = refreshed.body as Tokens;

    expect((await patch({ role: 'frontdesk' })).status).toBe(200);
    expectProblem(await me(current.accessToken), { ...NO_TOKEN, instance: ME });
    expectProblem(await refresh(current.refreshToken), NOT_VALID(REFRESH));

    const again = await signIn(member);
    expect((await patch({ password: 'a-completely-new-passphrase' })).status).toBe(200);
    expectProblem(await refresh(again.refreshToken), NOT_VALID(REFRESH));
    const ends = await app()
      .app.get(DataSource)
      .getRepository(UserSession)
      .find({ where: { userId: member.user.id }, order: { createdAt: 'ASC' } });
    expect(ends.map((s) => s.revokedReason)).toEqual(['role_changed', 'password_changed']);
  });

  it('purges sessions once they have ended or expired', async () => {
    const member = await createStaff(app(), 'editor');
    const live = await signIn(member);
    const ended = await signIn(member);
    await app().http().post(LOGOUT).send({ refreshToken: ended.refreshToken });
    const sessions = app().app.get(DataSource).getRepository(UserSession);
    const purge = FEATURE_REGISTRY.purges.filter((p) => p.name === 'user-sessions');
    const config = app().app.get(AppConfig);
    const manager = app().app.get(DataSource).manager;

    await runPurges(manager, purge, { now: clock.now(), config });
    expect((await sessions.findBy({ userId: member.user.id })).map((s) => s.id)).toEqual([live.sessionId]);
    await runPurges(manager, purge, { now: new Date(clock.now().getTime() + 14 * DAY), config });
    expect(await sessions.findBy({ userId: member.user.id })).toEqual([]);
    expect(live.sessionId).toMatch(UUID);
    expect(live.refreshTokenExpiresAt).toMatch(ISO);
  });
});
