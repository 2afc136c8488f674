import { JwtService } from '@nestjs/jwt';
import { randomUUID } from 'node:crypto';
import { ManualClock } from '../src/common/clock/clock.js';
import { bearer, createArticle, createStaff, publishArticle, type StaffMember } from './factories/index.js';
import { expectInvalid, expectProblem, ISO, JSON_TYPE } from './utils/expect-problem.js';
import { mustBeString, tooLong, unknownField } from './utils/field-errors.js';
import { TEST_JWT_SECRET, useTestApp } from './utils/test-app.js';

const ADMIN = '/api/v1/admin/articles';
const PUBLIC = '/api/v1/articles';
const PUBLIC_CACHE = 'public, max-age=60, stale-while-revalidate=300';
const HOUR_MS = 3_600_000;
const JWT = /^[\w-]+\.[\w-]+\.[\w-]+$/;
/** What the admin representation adds to the public one. */
const ADMIN_ONLY = [
  'status',
  'scheduled',
  'version',
  'customExcerpt',
  'previousSlugs',
  'createdAt',
  'createdBy',
  'updatedBy',
];
const REFUSED = 'The preview token is invalid, expired, or no longer valid for this article.';

type Json = Record<string, unknown>;
const publicPart = (admin: Json): Json =>
  Object.fromEntries(Object.entries(admin).filter(([key]) => !ADMIN_ONLY.includes(key)));
const claimsOf = (token: string): Json => JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()) as Json;
const withClaims = (token: string, claims: Json): string => {
  const [header, , signature] = token.split('.');
  return [header, Buffer.from(JSON.stringify(claims)).toString('base64url'), signature].join('.');
};

describe('article draft previews', () => {
  const clock = new ManualClock(new Date('2026-11-20T12:00:00.000Z'));
  const app = useTestApp({ clock, env: { RESPONSE_CACHE_TTL_MS: '60000' } });
  let editor: StaffMember;
  let admin: StaffMember;
  let frontdesk: StaffMember;

  beforeAll(async () => {
    [editor, admin, frontdesk] = await Promise.all([
      createStaff(app(), 'editor'),
      createStaff(app(), 'admin'),
      createStaff(app(), 'frontdesk'),
    ]);
  });

  const http = () => app().http();
  const tokenRequest = (id: string, who: StaffMember = editor) =>
    http().post(`${ADMIN}/${id}/preview-token`).set(who.auth);
  const tokenFor = async (id: string): Promise<string> => {
    const res = await tokenRequest(id);
    expect(res.status).toBe(200);
    return res.body.token as string;
  };
  const preview = (slug: string, token: string) => http().get(`${PUBLIC}/${slug}`).query({ preview: token });
  const adminView = async (id: string): Promise<Json> =>
    (await http().get(`${ADMIN}/${id}`).set(editor.auth)).body as Json;
  const act = (id: string, action: string, body?: object) => {
    const req = http().post(`${ADMIN}/${id}/${action}`).set(editor.auth);
    return body ? req.send(body) : req;
  };
  const minutesFromNow = (minutes: number) => new Date(clock.now().getTime() + minutes * 60_000).toISOString();
  /** A refusal of a preview: 401, the same answer whatever was wrong with the token. */
  const expectRefused = (res: Parameters<typeof expectProblem>[0], slug: string) => {
    expectProblem(res, { code: 'unauthorized', detail: REFUSED, instance: `${PUBLIC}/${slug}` });
    expect(res.headers['www-authenticate']).toBeUndefined();
  };
  /** A preview answer: the article as the public reads it, private and not for search engines. */
  const expectPreview = async (res: Parameters<typeof expectProblem>[0], id: string) => {
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe(JSON_TYPE);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['x-robots-tag']).toBe('noindex');
    expect(res.headers.etag).toBeUndefined();
    expect(res.headers['x-cache']).toBeUndefined();
    expect(res.headers['cache-tag']).toBeUndefined();
    expect(res.body).toEqual(publicPart(await adminView(id)));
  };

  describe('issuing a token', () => {
    it('gives editors and admins a signed token for one article, valid for an hour', async () => {
      const { id, slug } = await createArticle(app(), editor);
      for (const who of [editor, admin]) {
        const res = await tokenRequest(id, who);
        expect(res.status).toBe(200);
        expect(res.headers['content-type']).toBe(JSON_TYPE);
        expect(res.headers['cache-control']).toBe('no-store');
        expect(res.body).toEqual({
          token: expect.stringMatching(JWT),
          expiresAt: '2026-11-20T13:00:00.000Z',
          url: `${PUBLIC}/${slug}?preview=${res.body.token}`,
        });
        expect(claimsOf(res.body.token)).toEqual({
          sub: id,
          stage: 'draft',
          statusVersion: 1,
          aud: 'article-preview',
          iss: 'well-clinic-api',
          iat: Date.parse('2026-11-20T12:00:00Z') / 1000,
          exp: Date.parse('2026-11-20T13:00:00Z') / 1000,
        });
      }
    });

    it('refuses anonymous callers (401) and staff without the editor role (403)', async () => {
      const { id } = await createArticle(app(), editor);
      const path = `${ADMIN}/${id}/preview-token`;
      expectProblem(await http().post(path), {
        code: 'unauthorized',
        detail: 'A valid bearer token is required.',
        instance: path,
      });
      expectProblem(await tokenRequest(id, frontdesk), {
        code: 'forbidden',
        detail: 'This requires one of the roles: admin, editor.',
        instance: path,
      });
    });

    it('answers 400 for a malformed id, 404 for an unknown one, 400 for a body or an undeclared parameter', async () => {
      const bad = `${ADMIN}/not-a-uuid/preview-token`;
      expectInvalid(await http().post(bad).set(editor.auth), bad, [{ field: 'id', message: 'id must be a UUID' }]);
      const unknown = `${ADMIN}/${randomUUID()}/preview-token`;
      expectProblem(await http().post(unknown).set(editor.auth), {
        code: 'not_found',
        detail: 'No article has this id.',
        instance: unknown,
      });
      const { id } = await createArticle(app(), editor);
      const path = `${ADMIN}/${id}/preview-token`;
      const withBody = await tokenRequest(id).send({ ttlMinutes: 600 });
      expect(withBody.status).toBe(400);
      expect(withBody.body.code).toBe('validation_failed');
      expectInvalid(await http().post(`${path}?ttl=1`).set(editor.auth), path, [unknownField('ttl')]);
    });
  });

  describe('reading with a token', () => {
    it('shows a draft, and a scheduled article, that the public URL answers 404 for', async () => {
      const draft = await createArticle(app(), editor);
      const issued = await tokenRequest(draft.id);
      await expectPreview(await http().get(issued.body.url), draft.id);
      await expectPreview(await preview(draft.slug, issued.body.token), draft.id);
      expect((await preview(draft.slug, issued.body.token)).body.publishedAt).toBeNull();
      expectProblem(await http().get(`${PUBLIC}/${draft.slug}`), {
        code: 'not_found',
        detail: 'No published article has this slug.',
        instance: `${PUBLIC}/${draft.slug}`,
      });

      const scheduled = await createArticle(app(), editor);
      await publishArticle(app(), editor, scheduled.id, { publishedAt: minutesFromNow(90) });
      const res = await preview(scheduled.slug, await tokenFor(scheduled.id));
      await expectPreview(res, scheduled.id);
      expect(res.body.publishedAt).toBe(minutesFromNow(90));
      expect((await http().get(`${PUBLIC}/${scheduled.slug}`)).status).toBe(404);
    });

    it('shows the latest edits of the draft: an edit does not revoke the token', async () => {
      const { id, slug } = await createArticle(app(), editor);
      const token = await tokenFor(id);
      const edit = await http().patch(`${ADMIN}/${id}`).set(editor.auth).send({ title: 'Second thoughts' });
      expect(edit.status).toBe(200);
      const res = await preview(slug, token);
      await expectPreview(res, id);
      expect(res.body.title).toBe('Second thoughts');
    });

    it('redirects an old slug of the article to its current one, keeping the token', async () => {
      const { id, slug } = await createArticle(app(), editor);
      const token = await tokenFor(id);
      const renamed = `${slug}-renamed`;
      expect((await http().patch(`${ADMIN}/${id}`).set(editor.auth).send({ slug: renamed })).status).toBe(200);
      const moved = await preview(slug, token);
      expect(moved.status).toBe(301);
      expect(moved.headers.location).toBe(`${PUBLIC}/${renamed}?preview=${token}`);
      expect(moved.headers['cache-control']).toBe('no-store');
      await expectPreview(await http().get(moved.headers.location), id);
    });
  });

  describe('the response cache', () => {
    it('never stores, serves or evicts anything for a preview: the public answers stay as they were', async () => {
      const { id, slug } = await createArticle(app(), editor);
      await publishArticle(app(), editor, id, { publishedAt: minutesFromNow(-60) });
      const miss = await http().get(`${PUBLIC}/${slug}`);
      const hit = await http().get(`${PUBLIC}/${slug}`);
      expect([miss.headers['x-cache'], hit.headers['x-cache']]).toEqual(['MISS', 'HIT']);
      expect(hit.headers['cache-control']).toBe(PUBLIC_CACHE);

      const token = await tokenFor(id);
      // Twice, the same URL: the second is not a hit either (neither before routing nor after).
      await expectPreview(await preview(slug, token), id);
      await expectPreview(await preview(slug, token), id);
      await expectPreview(await http().get(`${PUBLIC}/${slug}?%70review=${token}`), id);
      const crossOrigin = await preview(slug, token).set('Origin', 'https://wellclinic.test');
      expect([crossOrigin.status, crossOrigin.headers['x-cache']]).toEqual([200, undefined]);

      const after = await http().get(`${PUBLIC}/${slug}`);
      expect(after.headers['x-cache']).toBe('HIT');
      expect(after.headers.etag).toBe(miss.headers.etag);
      expect(after.text).toBe(miss.text);
    });

    it('keeps a draft 404 for everyone else after it was previewed, and a refused URL is refused again', async () => {
      const { id, slug } = await createArticle(app(), editor);
      const token = await tokenFor(id);
      await expectPreview(await preview(slug, token), id);
      for (let i = 0; i < 2; i++) {
        const res = await http().get(`${PUBLIC}/${slug}`);
        // As before any preview: a miss, never a stored answer.
        expect([res.status, res.headers['cache-control'], res.headers['x-cache']]).toEqual([404, 'no-store', 'MISS']);
      }
      expect((await act(id, 'archive')).status).toBe(200);
      expectRefused(await preview(slug, token), slug);
      expectRefused(await preview(slug, token), slug);
    });
  });

  describe('refusals (401, the same answer for every reason)', () => {
    it('refuses a token for another article, whatever that article is', async () => {
      const mine = await createArticle(app(), editor);
      const other = await createArticle(app(), editor);
      const live = await createArticle(app(), editor);
      await publishArticle(app(), editor, live.id, { publishedAt: minutesFromNow(-5) });
      const token = await tokenFor(mine.id);
      for (const slug of [other.slug, live.slug, 'no-such-article']) expectRefused(await preview(slug, token), slug);
    });

    it('refuses an expired token, by the injected clock', async () => {
      const { id, slug } = await createArticle(app(), editor);
      const token = await tokenFor(id);
      clock.advance(HOUR_MS - 1000);
      await expectPreview(await preview(slug, token), id);
      clock.advance(1000);
      expectRefused(await preview(slug, token), slug);
    });

    it('refuses a tampered token: another article in the claims, a changed signature, another key, alg none', async () => {
      const mine = await createArticle(app(), editor);
      const other = await createArticle(app(), editor);
      const token = await tokenFor(mine.id);
      const otherToken = await tokenFor(other.id);
      const [header, payload, signature] = token.split('.');
      const flipped = signature.at(-2) === 'A' ? 'B' : 'A';
      const unsigned = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${payload}.`;
      const forgedKey = await new JwtService({ secret: `${TEST_JWT_SECRET}-not-ours` }).signAsync(claimsOf(token));
      for (const [slug, bad] of [
        [other.slug, withClaims(token, { ...claimsOf(token), sub: other.id })],
        [mine.slug, withClaims(token, { ...claimsOf(token), exp: (claimsOf(token).exp as number) + 86_400 })],
        [mine.slug, `${header}.${payload}.${signature.slice(0, -2)}${flipped}${signature.at(-1)}`],
        [mine.slug, `${header}.${otherToken.split('.')[1]}.${signature}`],
        [mine.slug, forgedKey],
      ] as const) {
        expectRefused(await preview(slug, bad), slug);
      }
      // Not a signed token at all (an empty signature): refused as input.
      expect((await preview(mine.slug, unsigned)).status).toBe(400);
    });

    it('refuses an access token as a preview token, even one carrying a preview token’s claims', async () => {
      const { id, slug } = await createArticle(app(), editor);
      const claims = claimsOf(await tokenFor(id));
      // The app's secret and issuer (the app signs with its own signing service since issue 20).
      const jwt = new JwtService({ secret: TEST_JWT_SECRET, signOptions: { issuer: 'well-clinic-api' } });
      const { aud: _aud, iss: _iss, ...withoutAudience } = claims;
      for (const token of [
        editor.token,
        await jwt.signAsync(withoutAudience),
        await jwt.signAsync({ ...withoutAudience, aud: 'another-purpose' }),
      ]) {
        expectRefused(await preview(slug, token), slug);
      }
    });

    it('refuses a preview token as a bearer token', async () => {
      const { id } = await createArticle(app(), editor);
      const token = await tokenFor(id);
      for (const path of [ADMIN, `${ADMIN}/${id}`]) {
        expectProblem(
          await http().get(path).set(bearer(token)),
          { code: 'unauthorized', detail: 'A valid bearer token is required.', instance: path },
          {},
        );
      }
      const mint = `${ADMIN}/${id}/preview-token`;
      expectProblem(await http().post(mint).set(bearer(token)), {
        code: 'unauthorized',
        detail: 'A valid bearer token is required.',
        instance: mint,
      });
    });

    it('revokes tokens at every status change, also when the status comes back to what it was', async () => {
      const { id, slug } = await createArticle(app(), editor);
      const draftToken = await tokenFor(id);
      expect((await act(id, 'publish', { publishedAt: minutesFromNow(-1) })).status).toBe(200);
      expectRefused(await preview(slug, draftToken), slug);
      const liveToken = await tokenFor(id);
      await expectPreview(await preview(slug, liveToken), id);

      expect((await act(id, 'unpublish')).status).toBe(200);
      // A draft again, as when the first token was made: still revoked.
      expectRefused(await preview(slug, draftToken), slug);
      expectRefused(await preview(slug, liveToken), slug);
      const secondDraftToken = await tokenFor(id);
      await expectPreview(await preview(slug, secondDraftToken), id);

      expect((await act(id, 'archive')).status).toBe(200);
      expectRefused(await preview(slug, secondDraftToken), slug);
      const archivedToken = await tokenFor(id);
      await expectPreview(await preview(slug, archivedToken), id);

      expect((await http().delete(`${ADMIN}/${id}`).set(editor.auth)).status).toBe(204);
      expectRefused(await preview(slug, archivedToken), slug);
    });

    it('revokes the token of a scheduled article when it goes live', async () => {
      const { id, slug } = await createArticle(app(), editor);
      await publishArticle(app(), editor, id, { publishedAt: minutesFromNow(10) });
      const token = await tokenFor(id);
      await expectPreview(await preview(slug, token), id);
      clock.advance(10 * 60_000);
      expectRefused(await preview(slug, token), slug);
      expect((await http().get(`${PUBLIC}/${slug}`)).status).toBe(200);
    });
  });

  describe('bad input', () => {
    it.each([
      ['empty', '', 'preview must be a preview token'],
      ['not a token', 'not-a-token', 'preview must be a preview token'],
      ['two parts', 'abc.def', 'preview must be a preview token'],
      ['an injection', "x.y.z' OR '1'='1", 'preview must be a preview token'],
      ['white space', ' a.b.c', 'preview must be a preview token'],
    ])('answers 400 naming preview for a malformed token (%s)', async (_, token, message) => {
      const path = `${PUBLIC}/some-article`;
      expectInvalid(await http().get(path).query({ preview: token }), path, [{ field: 'preview', message }]);
    });

    it('answers 400 for a token too long, given twice, or next to an undeclared parameter', async () => {
      const path = `${PUBLIC}/some-article`;
      expectInvalid(await http().get(`${path}?preview=${'a.b.'.padEnd(2049, 'c')}`), path, [tooLong('preview', 2048)]);
      expectInvalid(await http().get(`${path}?preview=a.b.c&preview=a.b.c`), path, [mustBeString('preview')]);
      expectInvalid(await http().get(`${path}?preview=a.b.c&draft=1`), path, [unknownField('draft')]);
      const badSlug = `${PUBLIC}/Not_A_Slug`;
      const res = await http().get(badSlug).query({ preview: 'a.b.c' });
      expectInvalid(res, badSlug, [
        { field: 'slug', message: 'slug must be lowercase words joined by single hyphens (at most 120)' },
      ]);
    });
  });
});

describe('article draft previews with ARTICLE_PREVIEW_TTL_MINUTES', () => {
  const clock = new ManualClock(new Date('2026-11-20T12:00:00.000Z'));
  const app = useTestApp({ clock, env: { ARTICLE_PREVIEW_TTL_MINUTES: '5' } });

  it('makes tokens that expire after that many minutes', async () => {
    const editor = await createStaff(app(), 'editor');
    const { id, slug } = await createArticle(app(), editor);
    const res = await app().http().post(`${ADMIN}/${id}/preview-token`).set(editor.auth);
    expect(res.body.expiresAt).toBe('2026-11-20T12:05:00.000Z');
    expect(res.body.expiresAt).toMatch(ISO);
    clock.advance(5 * 60_000);
    const expired = await app().http().get(`${PUBLIC}/${slug}`).query({ preview: res.body.token });
    expect([expired.status, expired.body.code]).toEqual([401, 'unauthorized']);
  });
});
