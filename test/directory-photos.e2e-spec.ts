import sharp from 'sharp';
import {
  ADMIN_LOCATIONS,
  ADMIN_PRACTITIONERS,
  createLocation,
  createPractitioner,
  createStaff,
  locationBody,
  practitionerBody,
  PRACTITIONERS,
  type StaffMember,
} from './factories/index.js';
import { expectInvalid, expectProblem } from './utils/expect-problem.js';
import { fieldError as err } from './utils/field-errors.js';
import { useTestApp } from './utils/test-app.js';

const MEDIA = '/api/v1/admin/media';
const LOCATIONS = '/api/v1/locations';
const BASE = 'https://api.wellclinic.example';
const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';

type Json = Record<string, unknown>;
interface MediaJson {
  id: string;
  url: string;
  alt: string;
  srcset: { avif: string; webp: string; jpeg: string };
}

describe('practitioner and location photos from the media library', () => {
  // MEDIA_BASE_URL: absolute media URLs, which the JSON-LD may then name (as for article covers).
  const app = useTestApp({ isolatedDatabase: true, env: { MEDIA_BASE_URL: `${BASE}/` } });
  let editor: StaffMember;
  let portrait: MediaJson;
  let office: MediaJson;

  const http = () => app().http();

  const upload = async (alt: string, width: number, height: number): Promise<MediaJson> => {
    const bytes = await sharp({ create: { width, height, channels: 3, background: '#7a9' } })
      .jpeg()
      .toBuffer();
    const res = await http().post(MEDIA).set(editor.auth).field('alt', alt).attach('file', bytes, 'photo.jpg');
    expect({ status: res.status, text: res.status === 201 ? '' : res.text }).toEqual({ status: 201, text: '' });
    return res.body as MediaJson;
  };

  /** The photo as responses show it: the widest JPEG (the upload's own width here), its size, the srcset. */
  const photoOf = (media: MediaJson, width: number, height: number, alt = media.alt) => ({
    url: media.url,
    alt,
    width,
    height,
    srcset: media.srcset,
    mediaId: media.id,
  });

  beforeAll(async () => {
    editor = await createStaff(app(), 'editor');
    portrait = await upload('Maya smiling in the garden room', 480, 600);
    office = await upload('A brick building with a green door', 640, 400);
  });

  it('shows a practitioner’s photo to staff, on the public list and page, and in the Person JSON-LD', async () => {
    const created = await http()
      .post(ADMIN_PRACTITIONERS)
      .set(editor.auth)
      .send(practitionerBody({ slug: 'with-photo', photo: { mediaId: portrait.id } }));
    expect({ status: created.status, photo: created.body.photo }).toEqual({
      status: 201,
      photo: photoOf(portrait, 480, 600),
    });
    expect(portrait.url).toBe(`${BASE}/media/${portrait.url.split('/')[4]}/480.jpg`);

    const page = await http().get(`${PRACTITIONERS}/with-photo`);
    expect({ status: page.status, photo: page.body.photo }).toEqual({
      status: 200,
      photo: photoOf(portrait, 480, 600),
    });
    expect(JSON.parse(page.body.jsonLd as string).image).toEqual({
      '@type': 'ImageObject',
      url: portrait.url,
      caption: portrait.alt,
    });
    const list = await http().get(PRACTITIONERS).query({ pageSize: '100' });
    const listed = (list.body.data as Json[]).find((p) => p.slug === 'with-photo');
    expect(listed?.photo).toEqual(photoOf(portrait, 480, 600));
  });

  it('takes an alt text of the practitioner’s own, and clears the photo with null', async () => {
    const { id, version } = await createPractitioner(app(), editor, { slug: 'alt-and-clear' });
    const own = await http()
      .patch(`${ADMIN_PRACTITIONERS}/${id}`)
      .set(editor.auth)
      .set('If-Match', `"v${version}"`)
      .send({ photo: { mediaId: portrait.id, alt: 'Maya, our couples therapist' } });
    expect({ status: own.status, photo: own.body.photo, version: own.body.version }).toEqual({
      status: 200,
      photo: photoOf(portrait, 480, 600, 'Maya, our couples therapist'),
      version: version + 1,
    });

    const cleared = await http()
      .patch(`${ADMIN_PRACTITIONERS}/${id}`)
      .set(editor.auth)
      .set('If-Match', `"v${version + 1}"`)
      .send({ photo: null });
    expect({ status: cleared.status, photo: cleared.body.photo }).toEqual({ status: 200, photo: null });
    const page = await http().get(`${PRACTITIONERS}/alt-and-clear`);
    expect({ photo: page.body.photo, image: JSON.parse(page.body.jsonLd as string).image }).toEqual({
      photo: null,
      image: undefined,
    });
  });

  it('shows a location’s photo to staff, publicly and in the MedicalClinic JSON-LD; null clears it', async () => {
    const created = await http()
      .post(ADMIN_LOCATIONS)
      .set(editor.auth)
      .send(locationBody({ slug: 'pier', photo: { mediaId: office.id } }));
    expect({ status: created.status, photo: created.body.photo }).toEqual({
      status: 201,
      photo: photoOf(office, 640, 400),
    });
    const page = await http().get(`${LOCATIONS}/pier`);
    expect({ status: page.status, photo: page.body.photo }).toEqual({ status: 200, photo: photoOf(office, 640, 400) });
    expect(JSON.parse(page.body.jsonLd as string)).toMatchObject({
      '@type': 'MedicalClinic',
      image: { '@type': 'ImageObject', url: office.url, caption: office.alt },
    });
    const list = await http().get(LOCATIONS).query({ pageSize: '100' });
    expect((list.body.data as Json[]).find((l) => l.slug === 'pier')?.photo).toEqual(photoOf(office, 640, 400));

    const id = (created.body as { id: string }).id;
    const cleared = await http().patch(`${ADMIN_LOCATIONS}/${id}`).set(editor.auth).send({ photo: null });
    expect({ status: cleared.status, photo: cleared.body.photo }).toEqual({ status: 200, photo: null });
    const reread = await http().get(`${LOCATIONS}/pier`);
    expect(JSON.parse(reread.body.jsonLd as string)).not.toHaveProperty('image');
  });

  it.each([
    ['practitioner', ADMIN_PRACTITIONERS, practitionerBody],
    ['location', ADMIN_LOCATIONS, locationBody],
  ])('refuses a %s photo naming no media item, or badly shaped (400 naming the field)', async (_, path, body) => {
    const post = (photo: unknown) =>
      http()
        .post(path)
        .set(editor.auth)
        .send(body({ slug: 'refused', photo }));
    expectInvalid(await post({ mediaId: UNKNOWN_ID }), path, [
      err('photo.mediaId', 'photo.mediaId names no media item'),
    ]);
    expectInvalid(await post('https://images.example.org/me.jpg'), path, [err('photo', 'photo must be an object')]);
    expectInvalid(await post({ mediaId: 'me.jpg' }), path, [err('photo.mediaId', 'mediaId must be a UUID')]);
    expectInvalid(await post({}), path, [err('photo.mediaId', 'mediaId must be a UUID')]);
    expectInvalid(await post({ mediaId: portrait.id, alt: 'a'.repeat(251) }), path, [
      err('photo.alt', 'alt must be shorter than or equal to 250 characters'),
    ]);
    expectInvalid(await post({ mediaId: portrait.id, url: 'https://images.example.org/me.jpg' }), path, [
      err('photo.url', 'property url should not exist'),
    ]);

    const existing = await http()
      .post(path)
      .set(editor.auth)
      .send(body({ slug: `unknown-photo-${path.length}` }));
    expect(existing.status).toBe(201);
    const target = `${path}/${(existing.body as { id: string }).id}`;
    expectInvalid(
      await http()
        .patch(target)
        .set(editor.auth)
        .send({ photo: { mediaId: UNKNOWN_ID } }),
      target,
      [err('photo.mediaId', 'photo.mediaId names no media item')],
    );
    const unchanged = await http().get(target).set(editor.auth);
    expect({ photo: unchanged.body.photo, version: unchanged.body.version }).toEqual({ photo: null, version: 1 });
  });

  it('refuses to delete a media item practitioners and locations show (409 naming them), until they let it go', async () => {
    const shared = await upload('Shared picture', 400, 400);
    const zed = await createPractitioner(app(), editor, { slug: 'zed-shares', photo: { mediaId: shared.id } });
    const amy = await createPractitioner(app(), editor, { slug: 'amy-shares', photo: { mediaId: shared.id } });
    const dock = await createLocation(app(), editor, { slug: 'dock-shares', photo: { mediaId: shared.id } });
    const path = `${MEDIA}/${shared.id}`;
    const usages = { locations: ['dock-shares'], practitioners: ['amy-shares', 'zed-shares'] };

    const detail = await http().get(path).set(editor.auth);
    expect({ status: detail.status, usages: detail.body.usages }).toEqual({ status: 200, usages });
    const refused = await http().delete(path).set(editor.auth);
    expectProblem(
      refused,
      {
        code: 'media_in_use',
        detail:
          'This media item is in use (locations dock-shares; practitioners amy-shares, zed-shares): remove it there first.',
        instance: path,
      },
      { usages },
    );

    for (const [admin, record] of [
      [ADMIN_PRACTITIONERS, zed],
      [ADMIN_PRACTITIONERS, amy],
      [ADMIN_LOCATIONS, dock],
    ] as const) {
      const res = await http().patch(`${admin}/${record.id}`).set(editor.auth).send({ photo: null });
      expect({ status: res.status, photo: res.body.photo }).toEqual({ status: 200, photo: null });
    }
    expect((await http().delete(path).set(editor.auth)).status).toBe(204);
  });
});
