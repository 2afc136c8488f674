import sharp from 'sharp';
import { articleBody, createStaff, publishArticle, type StaffMember } from './factories/index.js';
import { expectInvalid, expectProblem } from './utils/expect-problem.js';
import { useTestApp } from './utils/test-app.js';

const MEDIA = '/api/v1/admin/media';
const ADMIN = '/api/v1/admin/articles';
const BASE = 'https://api.wellclinic.example';

type Json = Record<string, unknown>;
interface MediaJson {
  id: string;
  url: string;
  alt: string;
  srcset: { avif: string; webp: string; jpeg: string };
}

describe('article covers from the media library', () => {
  // MEDIA_BASE_URL: absolute media URLs, which the JSON-LD may then name.
  const app = useTestApp({ isolatedDatabase: true, env: { MEDIA_BASE_URL: `${BASE}/` } });
  let editor: StaffMember;
  let image: MediaJson;

  const http = () => app().http();

  const uploadImage = async (alt: string, width = 1500): Promise<MediaJson> => {
    const bytes = await sharp({ create: { width, height: 1000, channels: 3, background: '#3a7' } })
      .jpeg()
      .toBuffer();
    const res = await http().post(MEDIA).set(editor.auth).field('alt', alt).attach('file', bytes, 'cover.jpg');
    expect({ status: res.status, text: res.status === 201 ? '' : res.text }).toEqual({ status: 201, text: '' });
    return res.body as MediaJson;
  };
  const createWith = async (title: string, coverImage: unknown) => {
    const res = await http().post(ADMIN).set(editor.auth).send(articleBody({ title, coverImage }));
    expect({ status: res.status, text: res.status === 201 ? '' : res.text }).toEqual({ status: 201, text: '' });
    return res.body as Json & { id: string; slug: string };
  };

  beforeAll(async () => {
    editor = await createStaff(app(), 'editor');
    image = await uploadImage('Morning light over a quiet lake');
  });

  const coverOf = (media: MediaJson, alt = media.alt) => ({
    url: `${BASE}/media/${media.url.split('/')[4]}/1500.jpg`,
    alt,
    width: 1500,
    height: 1000,
    srcset: media.srcset,
    mediaId: media.id,
  });

  it('shows a media item as the cover: coverImage keeps its shape, cover adds sizes and srcset', async () => {
    // 1500 px wide: 320, 640, 1280 and its own width (never upscaled to 1920).
    expect(image.url).toBe(`${BASE}/media/${image.url.split('/')[4]}/1500.jpg`);
    expect(image.srcset.webp).toBe(
      [320, 640, 1280, 1500].map((w) => `${BASE}/media/${image.url.split('/')[4]}/${w}.webp ${w}w`).join(', '),
    );
    const article = await createWith('Covered by the library', { mediaId: image.id });
    expect({ coverImage: article.coverImage, cover: article.cover }).toEqual({
      coverImage: { url: image.url, alt: image.alt },
      cover: coverOf(image),
    });

    await publishArticle(app(), editor, article.id);
    const read = await http().get(`/api/v1/articles/${article.slug}`);
    expect(read.status).toBe(200);
    expect({ coverImage: read.body.coverImage, cover: read.body.cover }).toEqual({
      coverImage: { url: image.url, alt: image.alt },
      cover: coverOf(image),
    });
    expect(JSON.parse(read.body.jsonLd as string).image).toEqual({
      '@type': 'ImageObject',
      url: image.url,
      caption: image.alt,
    });
    const list = await http().get('/api/v1/articles');
    const summary = (list.body.data as Json[]).find((a) => a.id === article.id);
    expect(summary?.cover).toEqual(coverOf(image));
  });

  it('takes an alt text of the article’s own, and otherwise follows the media item’s', async () => {
    const own = await createWith('Own alt', { mediaId: image.id, alt: 'The lake the author walks by' });
    expect(own.cover).toEqual(coverOf(image, 'The lake the author walks by'));

    const other = await uploadImage('A bench');
    const follower = await createWith('Follows', { mediaId: other.id });
    const renamed = await http().patch(`${MEDIA}/${other.id}`).set(editor.auth).send({ alt: 'A wooden bench' });
    expect(renamed.status).toBe(200);
    const reread = await http().get(`${ADMIN}/${follower.id}`).set(editor.auth);
    expect(reread.body.cover).toEqual(coverOf(other, 'A wooden bench'));
    expect(reread.body.coverImage).toEqual({ url: other.url, alt: 'A wooden bench' });
  });

  it('shows the new alt in cached public articles right after the media item’s alt is edited', async () => {
    const media = await uploadImage('A pier at dusk', 1400);
    const article = await createWith('Cached cover', { mediaId: media.id });
    await publishArticle(app(), editor, article.id);
    const path = `/api/v1/articles/${article.slug}`;
    const miss = await http().get(path);
    const hit = await http().get(path);
    expect([miss.headers['x-cache'], hit.headers['x-cache'], hit.body.cover.alt]).toEqual(['MISS', 'HIT', media.alt]);
    const summary = async () =>
      ((await http().get('/api/v1/articles')).body.data as Json[]).find((a) => a.id === article.id) as Json;
    expect((await summary()).cover).toMatchObject({ alt: media.alt });

    const renamed = await http().patch(`${MEDIA}/${media.id}`).set(editor.auth).send({ alt: 'A wooden pier at dusk' });
    expect(renamed.status).toBe(200);
    const after = await http().get(path);
    expect([after.body.cover.alt, after.body.coverImage.alt]).toEqual([
      'A wooden pier at dusk',
      'A wooden pier at dusk',
    ]);
    expect((await summary()).cover).toMatchObject({ alt: 'A wooden pier at dusk' });
  });

  it('refuses both a URL and a media item, a media id that is not one, and an unknown one', async () => {
    const both = { url: 'https://images.example.org/a.jpg', alt: 'A lake', mediaId: image.id };
    expectInvalid(
      await http()
        .post(ADMIN)
        .set(editor.auth)
        .send(articleBody({ coverImage: both })),
      ADMIN,
      [
        {
          field: 'coverImage.mediaId',
          message: 'mediaId and url cannot both be given: a cover is one or the other',
        },
      ],
    );
    expectInvalid(
      await http()
        .post(ADMIN)
        .set(editor.auth)
        .send(articleBody({ coverImage: { mediaId: 'photo.jpg' } })),
      ADMIN,
      [{ field: 'coverImage.mediaId', message: 'mediaId must be a UUID' }],
    );
    expectInvalid(
      await http()
        .post(ADMIN)
        .set(editor.auth)
        .send(articleBody({ coverImage: { mediaId: '00000000-0000-4000-8000-000000000000' } })),
      ADMIN,
      [{ field: 'coverImage.mediaId', message: 'coverImage.mediaId names no media item' }],
    );
    expectInvalid(
      await http()
        .post(ADMIN)
        .set(editor.auth)
        .send(articleBody({ coverImage: {} })),
      ADMIN,
      [
        { field: 'coverImage.url', message: 'url must be a string' },
        { field: 'coverImage.alt', message: 'alt must be a string' },
      ],
    );
  });

  it('refuses to delete an item that articles show (naming them all), and to restore a cover since deleted', async () => {
    const shared = await uploadImage('Shared cover');
    const first = await createWith('Zeta shows it', { mediaId: shared.id });
    const second = await createWith('Alpha shows it', { mediaId: shared.id });
    const path = `${MEDIA}/${shared.id}`;
    expectProblem(
      await http().delete(path).set(editor.auth),
      {
        code: 'media_in_use',
        detail: `This media item is in use (articles ${second.slug}, ${first.slug}): remove it there first.`,
        instance: path,
      },
      { usages: { articles: [second.slug, first.slug] } },
    );

    for (const article of [first, second]) {
      const res = await http()
        .patch(`${ADMIN}/${article.id}`)
        .set(editor.auth)
        .send({ coverImage: { url: 'https://images.example.org/a.jpg', alt: 'A lake' } });
      expect({ status: res.status, cover: res.body.cover }).toEqual({
        status: 200,
        cover: {
          url: 'https://images.example.org/a.jpg',
          alt: 'A lake',
          width: null,
          height: null,
          srcset: null,
          mediaId: null,
        },
      });
    }
    expect((await http().delete(path).set(editor.auth)).status).toBe(204);

    const revisions = await http().get(`${ADMIN}/${first.id}/revisions`).set(editor.auth);
    const created = (revisions.body.data as Json[]).at(-1)!;
    expect((created.fields as Json).coverMedia).toEqual({ mediaId: shared.id, alt: null });
    const restorePath = `${ADMIN}/${first.id}/revisions/${created.id as string}/restore`;
    expectProblem(await http().post(restorePath).set(editor.auth), {
      code: 'conflict',
      detail: 'The cover image of this revision was deleted from the media library: it cannot be restored as it was.',
      instance: restorePath,
    });
  });
});
