import { jest } from '@jest/globals';
import sharp from 'sharp';
import { DataSource } from 'typeorm';
import { ManualClock } from '../src/common/clock/clock.js';
import { pgPool } from '../src/database/query-deadline.js';
import { MediaCatalog } from '../src/media/index.js';
import {
  ADMIN_ARTICLES,
  ADMIN_PRACTITIONERS,
  createArticle,
  createPractitioner,
  createStaff,
  publishArticle,
  type StaffMember,
} from './factories/index.js';
import { useTestApp } from './utils/test-app.js';

const PUBLIC = '/api/v1/articles';
const MEDIA = '/api/v1/admin/media';
const BASE = 'https://api.wellclinic.example';
const SITE = 'https://wellclinic.test';

type Json = Record<string, unknown>;
interface MediaJson {
  id: string;
  url: string;
  alt: string;
  version: number;
  srcset: { avif: string; webp: string; jpeg: string };
}

/** `author.photo` of articles: the linked practitioner's photo, shown when their slug is, kept fresh in the cache. */
describe('articles: the author’s photo', () => {
  const clock = new ManualClock(new Date('2026-11-20T12:00:00.000Z'));
  const app = useTestApp({
    isolatedDatabase: true,
    clock,
    // Absolute media URLs (the JSON-LD names only those), and a response cache that outlives every test.
    env: { MEDIA_BASE_URL: `${BASE}/`, PUBLIC_SITE_URL: SITE, RESPONSE_CACHE_TTL_MS: '60000' },
  });
  const http = () => app().http();
  let editor: StaffMember;
  let portrait: MediaJson;
  let nora: { id: string; version: number };

  const upload = async (alt: string): Promise<MediaJson> => {
    const bytes = await sharp({ create: { width: 480, height: 600, channels: 3, background: '#7a9' } })
      .jpeg()
      .toBuffer();
    const res = await http().post(MEDIA).set(editor.auth).field('alt', alt).attach('file', bytes, 'photo.jpg');
    expect({ status: res.status, text: res.status === 201 ? '' : res.text }).toEqual({ status: 201, text: '' });
    return res.body as MediaJson;
  };

  /** The photo as practitioners' own responses show it. */
  const photoOf = (media: MediaJson, alt = media.alt) => ({
    url: media.url,
    alt,
    width: 480,
    height: 600,
    srcset: media.srcset,
    mediaId: media.id,
  });

  /** A live article by `author` (a practitioner's slug, or null for a guest byline). */
  const live = async (title: string, author: string | null): Promise<string> => {
    const created = await createArticle(app(), editor, {
      title,
      tags: ['photos'],
      author: { name: `${title} author`, credentials: 'LMFT', practitioner: author },
    });
    await publishArticle(app(), editor, created.id);
    return created.id;
  };

  let guestId: string;
  let hiddenArticleId: string;

  beforeAll(async () => {
    editor = await createStaff(app(), 'editor');
    portrait = await upload('Nora in the garden room');
    nora = await createPractitioner(app(), editor, { slug: 'nora-photo', photo: { mediaId: portrait.id } });
    await createPractitioner(app(), editor, {
      slug: 'hidden-photo',
      photo: { mediaId: portrait.id, alt: 'Not yet on the website' },
      published: false,
    });
    await createPractitioner(app(), editor, { slug: 'no-photo' });
    await live('By Nora', 'nora-photo');
    await live('By Nora again', 'nora-photo');
    hiddenArticleId = await live('By the hidden one', 'hidden-photo');
    await live('By no photo', 'no-photo');
    guestId = await live('By a guest', null);
  });

  const authorOf = async (slug: string) => {
    const res = await http().get(`${PUBLIC}/${slug}`);
    expect(res.status).toBe(200);
    return { author: res.body.author as Json, jsonLd: JSON.parse(res.body.jsonLd as string).author as Json };
  };

  it('shows a published practitioner’s photo publicly, in their own responses’ shape, and as Person.image', async () => {
    const { author, jsonLd } = await authorOf('by-nora');
    expect(author).toEqual({
      name: 'By Nora author',
      credentials: 'LMFT',
      slug: 'nora-photo',
      photo: photoOf(portrait),
    });
    // The same as the practitioner's own page shows.
    const own = await http().get('/api/v1/practitioners/nora-photo');
    expect(own.body.photo).toEqual(author.photo);
    expect(jsonLd).toEqual({
      '@type': 'Person',
      '@id': `${SITE}/practitioners/nora-photo#person`,
      name: 'By Nora author',
      url: `${SITE}/practitioners/nora-photo`,
      honorificSuffix: 'LMFT',
      image: { '@type': 'ImageObject', url: portrait.url, caption: portrait.alt },
    });
  });

  it('shows none for a hidden practitioner (publicly; staff see it), one without a photo, or a guest byline', async () => {
    const hiddenOne = await authorOf('by-the-hidden-one');
    expect(hiddenOne.author).toEqual({
      name: 'By the hidden one author',
      credentials: 'LMFT',
      slug: null,
      photo: null,
    });
    expect(hiddenOne.jsonLd).toEqual({ '@type': 'Person', name: 'By the hidden one author', honorificSuffix: 'LMFT' });
    const staff = await http().get(`${ADMIN_ARTICLES}/${hiddenArticleId}`).set(editor.auth);
    expect(staff.body.author).toEqual({
      name: 'By the hidden one author',
      credentials: 'LMFT',
      slug: 'hidden-photo',
      photo: photoOf(portrait, 'Not yet on the website'),
    });
    // Staff's JSON-LD follows staff's view, as for the slug.
    expect(JSON.parse(staff.body.jsonLd as string).author).toMatchObject({
      '@id': `${SITE}/practitioners/hidden-photo#person`,
      image: { '@type': 'ImageObject', url: portrait.url, caption: 'Not yet on the website' },
    });

    const none = await authorOf('by-no-photo');
    expect(none.author).toEqual({ name: 'By no photo author', credentials: 'LMFT', slug: 'no-photo', photo: null });
    expect(none.jsonLd.image).toBeUndefined();
    const guest = await http().get(`${ADMIN_ARTICLES}/${guestId}`).set(editor.auth);
    expect(guest.body.author).toEqual({ name: 'By a guest author', credentials: 'LMFT', slug: null, photo: null });
  });

  it('lists photos with one query for the page’s people, the photos’ media items joined in it', async () => {
    const describeMedia = jest.spyOn(app().app.get(MediaCatalog), 'describe');
    const pool = pgPool(app().app.get(DataSource));
    const query = jest.spyOn(pool, 'query');
    let statements: string[];
    let res;
    try {
      res = await http().get(PUBLIC).query({ tag: 'photos', sort: 'title', pageSize: '10' });
      statements = query.mock.calls.map(([text]) => (typeof text === 'string' ? text : String(text)));
    } finally {
      query.mockRestore();
      describeMedia.mockRestore();
    }
    expect(res.status).toBe(200);
    const byTitle = Object.fromEntries(
      (res.body.data as Json[]).map((a) => [a.title, [(a.author as Json).slug, (a.author as Json).photo]]),
    );
    expect(byTitle).toEqual({
      'By a guest': [null, null],
      'By no photo': ['no-photo', null],
      'By Nora': ['nora-photo', photoOf(portrait)],
      'By Nora again': ['nora-photo', photoOf(portrait)],
      'By the hidden one': [null, null],
    });
    // The page, its count and its people: no query per article, none for the photos' media items on their own.
    expect(statements).toHaveLength(3);
    expect(statements.filter((sql) => sql.includes('FROM practitioners'))).toHaveLength(1);
    expect(statements.filter((sql) => sql.includes('media_items'))).toHaveLength(1);
    expect(describeMedia).not.toHaveBeenCalled();
  });

  it('drops cached articles when the photo, its alt text or the practitioner’s publication changes', async () => {
    // Cached: asked twice, the second answered from the cache.
    await authorOf('by-nora');
    expect((await authorOf('by-nora')).author.photo).toEqual(photoOf(portrait));

    // The media item's alt text (the practitioner has none of their own).
    const edited = await http().patch(`${MEDIA}/${portrait.id}`).set(editor.auth).send({ alt: 'Nora by the window' });
    expect(edited.status).toBe(200);
    expect((await authorOf('by-nora')).author.photo).toEqual(photoOf(portrait, 'Nora by the window'));

    // Another photo.
    const other = await upload('Nora at her desk');
    const changed = await http()
      .patch(`${ADMIN_PRACTITIONERS}/${nora.id}`)
      .set(editor.auth)
      .send({ photo: { mediaId: other.id } });
    expect(changed.status).toBe(200);
    const after = await authorOf('by-nora');
    expect(after.author.photo).toEqual(photoOf(other));
    expect(after.jsonLd.image).toEqual({ '@type': 'ImageObject', url: other.url, caption: other.alt });
    const list = await http().get(PUBLIC).query({ tag: 'photos', sort: 'title' });
    expect((list.body.data as Json[]).find((a) => a.title === 'By Nora')?.author).toMatchObject({
      photo: photoOf(other),
    });

    // Hidden: neither slug nor photo, in the article and the list.
    const unpublished = await http()
      .patch(`${ADMIN_PRACTITIONERS}/${nora.id}`)
      .set(editor.auth)
      .send({ published: false });
    expect(unpublished.status).toBe(200);
    expect((await authorOf('by-nora')).author).toMatchObject({ slug: null, photo: null });
    const hiddenList = await http().get(PUBLIC).query({ tag: 'photos', sort: 'title' });
    expect((hiddenList.body.data as Json[]).find((a) => a.title === 'By Nora')?.author).toMatchObject({
      slug: null,
      photo: null,
    });

    // A photo in use cannot be deleted (the article would lose it behind the editor's back).
    const deleted = await http().delete(`${MEDIA}/${other.id}`).set(editor.auth);
    expect(deleted.status).toBe(409);
    expect(deleted.body.usages).toEqual({ practitioners: ['nora-photo'] });
  });

  it('keeps author.photo out of reach of anonymous staff routes (401) and editors’ peers without the role (403)', async () => {
    expect((await http().get(`${ADMIN_ARTICLES}/${hiddenArticleId}`)).status).toBe(401);
    const frontdesk = await createStaff(app(), 'frontdesk');
    const res = await http().get(`${ADMIN_ARTICLES}/${hiddenArticleId}`).set(frontdesk.auth);
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('forbidden');
  });
});
