import { JwtService } from '@nestjs/jwt';
import { jwtKeyId } from '../src/auth/signing-keys.js';
import { TokenService } from '../src/auth/token.service.js';
import { loadConfig } from '../src/config/app-config.js';
import { bearer, createStaff, LOGIN, type StaffMember } from './factories/index.js';
import { expectProblem } from './utils/expect-problem.js';
import { TEST_JWT_SECRET, withTestApp } from './utils/test-app.js';

const ME = '/api/v1/auth/me';
const OLD = 'old-signing-secret-0123456789abcdef-0123';
const NEW = 'new-signing-secret-0123456789abcdef-4567';

const headerOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[0], 'base64url').toString()) as object;
/** A TokenService outside any app, with these secrets: the tokens an instance with that configuration signs. */
const signerWith = (secrets: string) => new TokenService(loadConfig({ JWT_SECRETS: secrets }));

describe('signing keys that rotate (JWT_SECRETS)', () => {
  it('names the key in kid; JWT_SECRET alone is a list of one', () =>
    withTestApp({}, async (t) => {
      const staff = await createStaff(t, 'editor');
      expect(headerOf(staff.token)).toEqual({ alg: 'HS256', typ: 'JWT', kid: jwtKeyId(TEST_JWT_SECRET) });
      const res = await t.http().post(LOGIN).send({ email: staff.email, password: staff.password });
      expect(headerOf(res.body.accessToken as string)).toEqual({
        alg: 'HS256',
        typ: 'JWT',
        kid: jwtKeyId(TEST_JWT_SECRET),
      });
      expect(
        (
          await t
            .http()
            .get(ME)
            .set(bearer(res.body.accessToken as string))
        ).status,
      ).toBe(200);
    }));

  it('keeps old tokens working after a new first key is added, and refuses them once the old key is removed', async () => {
    let staff: StaffMember | undefined;
    let oldToken = '';
    let newToken = '';
    let legacyToken = '';
    await withTestApp({ env: { JWT_SECRET: undefined, JWT_SECRETS: `${NEW}, ${OLD}` } }, async (t) => {
      staff = await createStaff(t, 'frontdesk');
      // Signed before the rotation, by an instance that had OLD only.
      oldToken = await signerWith(OLD).issue(staff.user);
      // Signed before keys had ids.
      legacyToken = await new JwtService({ secret: OLD }).signAsync(
        { sub: staff.user.id, role: 'frontdesk', ver: 0 },
        { issuer: 'well-clinic-api', expiresIn: 600 },
      );
      expect(headerOf(oldToken)).toMatchObject({ kid: jwtKeyId(OLD) });

      for (const token of [oldToken, legacyToken]) {
        const res = await t.http().get(ME).set(bearer(token));
        expect({ status: res.status, email: res.body.email }).toEqual({ status: 200, email: staff.email });
      }
      const login = await t.http().post(LOGIN).send({ email: staff.email, password: staff.password });
      newToken = login.body.accessToken as string;
      expect(headerOf(newToken)).toMatchObject({ kid: jwtKeyId(NEW) });
    });

    await withTestApp({ env: { JWT_SECRET: undefined, JWT_SECRETS: NEW } }, async (t) => {
      for (const token of [oldToken, legacyToken]) {
        expectProblem(await t.http().get(ME).set(bearer(token)), {
          code: 'unauthorized',
          detail: 'A valid bearer token is required.',
          instance: ME,
        });
      }
      const res = await t.http().get(ME).set(bearer(newToken));
      expect({ status: res.status, email: res.body.email }).toEqual({ status: 200, email: staff!.email });
    });
  });

  it('refuses a token whose kid names another key than the one that signed it', () =>
    withTestApp({ env: { JWT_SECRET: undefined, JWT_SECRETS: `${NEW},${OLD}` } }, async (t) => {
      const staff = await createStaff(t, 'editor');
      const claims = { sub: staff.user.id, role: 'editor', ver: 0 };
      const options = { issuer: 'well-clinic-api', expiresIn: 600 };
      for (const [secret, kid] of [
        [OLD, jwtKeyId(NEW)],
        [OLD, 'unknown1'],
        ['a-third-secret-nobody-configured-0123456', jwtKeyId(OLD)],
      ]) {
        const token = await new JwtService({ secret }).signAsync(claims, { ...options, header: { alg: 'HS256', kid } });
        expectProblem(await t.http().get(ME).set(bearer(token)), {
          code: 'unauthorized',
          detail: 'A valid bearer token is required.',
          instance: ME,
        });
      }
    }));
});
