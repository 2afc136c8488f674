import { existsSync, mkdtempSync } from 'node:fs';
import { readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32, deflateSync } from 'node:zlib';
import sharp from 'sharp';
import type { Response } from 'supertest';
import { DataSource } from 'typeorm';
import { runSeeders } from '../src/database/seeding/seed-runner.js';
import { demoMediaSeeder } from '../src/media/demo-media.seeder.js';
import { createArticle, createStaff, type StaffMember } from './factories/index.js';
import { expectInvalid, expectJson, expectNoContent, expectProblem, ISO, UUID } from './utils/expect-problem.js';
import { useTestApp } from './utils/test-app.js';

const ADMIN = '/api/v1/admin/media';
const IMMUTABLE = 'public, max-age=31536000, immutable';
const ALT = 'Two armchairs by a window in the counselling room';

type Json = Record<string, unknown>;
interface MediaJson {
  id: string;
  url: string;
  width: number;
  height: number;
  alt: string;
  format: string;
  uploadBytes: number;
  original: FileJson;
  variants: FileJson[];
  srcset: { avif: string; webp: string; jpeg: string };
  version: number;
  createdAt: string;
  updatedAt: string;
  createdBy: string | null;
  updatedBy: string | null;
}
interface FileJson {
  url: string;
  format: string;
  width: number;
  height: number;
  bytes: number;
}

/** The GPS position and camera serial a phone would write: none of it may reach a stored file. */
const SERIAL = 'SN-4242-SECRET';
const CAMERA = 'SpyCam';
/** 51° 30' 32.30" N as the EXIF rationals 51/1 30/1 3230/100, little-endian ("II") as libexif writes them. */
const GPS_LATITUDE_BYTES = Buffer.alloc(24);
for (const [i, n] of [51, 1, 30, 1, 3230, 100].entries()) GPS_LATITUDE_BYTES.writeUInt32LE(n, i * 4);

const solid = (width: number, height: number, channels: 3 | 4 = 3) =>
  sharp({ create: { width, height, channels, background: { r: 30, g: 110, b: 160, alpha: 0.8 } } });

/** A phone photo: 1600×1200 stored sideways (EXIF orientation 6), with GPS tags, camera make, serial and ICC profile. */
async function phonePhoto(): Promise<Buffer> {
  return solid(1600, 1200)
    .jpeg({ quality: 90 })
    .withMetadata({ orientation: 6 })
    .withExif({
      IFD0: { Make: CAMERA, Model: 'X1' },
      IFD2: { BodySerialNumber: SERIAL },
      IFD3: {
        GPSLatitudeRef: 'N',
        GPSLatitude: '51/1 30/1 3230/100',
        GPSLongitudeRef: 'W',
        GPSLongitude: '0/1 7/1 4366/100',
      },
    })
    .toBuffer();
}

/** A PNG that declares `width`×`height` pixels in 66 bytes: a signature, IHDR, one byte of pixel data, IEND. */
function pngDeclaring(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(Buffer.alloc(1))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** The path of a media URL (root-relative by default). */
const pathOf = (url: string) => new URL(url, 'http://localhost').pathname;

/** supertest keeps image bodies as Buffers; ask for one whatever the content type. */
const bytesOf = (res: Response) => res.body as Buffer;

function mediaSuite(name: string, env: { MEDIA_DIR?: string }) {
  describe(name, () => {
    const app = useTestApp({ isolatedDatabase: true, env });
    let editor: StaffMember;
    let admin: StaffMember;
    let frontdesk: StaffMember;
    let photo: Buffer;

    beforeAll(async () => {
      editor = await createStaff(app(), 'editor');
      admin = await createStaff(app(), 'admin');
      frontdesk = await createStaff(app(), 'frontdesk');
      photo = await phonePhoto();
    });

    const http = () => app().http();
    /** `alt: null` sends no alt field. */
    const upload = (file: Buffer, filename: string, contentType: string, alt: string | null = ALT) => {
      const req = http().post(ADMIN).set(editor.auth);
      if (alt !== null) req.field('alt', alt);
      return req.attach('file', file, { filename, contentType });
    };
    const uploaded = async (file: Buffer, filename = 'photo.jpg', contentType = 'image/jpeg') => {
      const res = await upload(file, filename, contentType);
      expect({ status: res.status, text: res.status === 201 ? '' : res.text }).toEqual({ status: 201, text: '' });
      return res.body as MediaJson;
    };
    const fetchFile = (url: string, headers: Record<string, string> = {}) =>
      http()
        .get(pathOf(url))
        .set(headers)
        .buffer(true)
        .parse((res, done) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => done(null, Buffer.concat(chunks)));
        });

    it('takes a phone photo: upright, every variant and the original stripped of EXIF, GPS, serial and ICC', async () => {
      const res = await upload(photo, 'IMG_2041.jpg', 'image/jpeg');
      expect(res.status).toBe(201);
      const item = res.body as MediaJson;
      expect(res.headers.location).toBe(`${ADMIN}/${item.id}`);
      expect(res.headers.etag).toBe('"v1"');
      expect(res.headers['cache-control']).toBe('no-store');
      const hash = pathOf(item.url).split('/')[2];
      expect(hash).toMatch(/^[0-9a-f]{32}$/);
      const file = (w: number, format: string, ext: string, h: number) => ({
        url: `/media/${hash}/${w}.${ext}`,
        format,
        width: w,
        height: h,
        bytes: expect.any(Number),
      });
      // Upright: 1200×1600 (the EXIF orientation turned the 1600×1200 pixels).
      const widths = [320, 640, 1200].map((w) => [w, Math.round((w * 1600) / 1200)] as const);
      expect(item).toEqual({
        id: expect.stringMatching(UUID),
        url: `/media/${hash}/1200.jpg`,
        width: 1200,
        height: 1600,
        alt: ALT,
        format: 'jpeg',
        uploadBytes: photo.length,
        original: { ...file(1200, 'jpeg', 'jpg', 1600), url: `/media/${hash}/original.jpg` },
        variants: widths.flatMap(([w, h]) => [
          file(w, 'avif', 'avif', h),
          file(w, 'webp', 'webp', h),
          file(w, 'jpeg', 'jpg', h),
        ]),
        srcset: {
          avif: `/media/${hash}/320.avif 320w, /media/${hash}/640.avif 640w, /media/${hash}/1200.avif 1200w`,
          webp: `/media/${hash}/320.webp 320w, /media/${hash}/640.webp 640w, /media/${hash}/1200.webp 1200w`,
          jpeg: `/media/${hash}/320.jpg 320w, /media/${hash}/640.jpg 640w, /media/${hash}/1200.jpg 1200w`,
        },
        version: 1,
        createdAt: expect.stringMatching(ISO),
        updatedAt: expect.stringMatching(ISO),
        createdBy: editor.user.id,
        updatedBy: editor.user.id,
      });

      // The fixture really carries what must go.
      const before = await sharp(photo).metadata();
      expect({ exif: Boolean(before.exif), icc: Boolean(before.icc), orientation: before.orientation }).toEqual({
        exif: true,
        icc: true,
        orientation: 6,
      });
      expect([photo.includes(SERIAL), photo.includes(CAMERA), photo.includes(GPS_LATITUDE_BYTES)]).toEqual([
        true,
        true,
        true,
      ]);

      for (const stored of [item.original, ...item.variants]) {
        const served = await fetchFile(stored.url);
        expect(served.status).toBe(200);
        const bytes = bytesOf(served);
        expect(bytes.length).toBe(stored.bytes);
        const meta = await sharp(bytes).metadata();
        expect({
          url: stored.url,
          format: meta.format,
          width: meta.width,
          height: meta.height,
          exif: meta.exif,
          icc: meta.icc,
          xmp: meta.xmp,
          iptc: meta.iptc,
          orientation: meta.orientation,
        }).toEqual({
          url: stored.url,
          format: stored.format === 'avif' ? 'heif' : stored.format,
          width: stored.width,
          height: stored.height,
          exif: undefined,
          icc: undefined,
          xmp: undefined,
          iptc: undefined,
          orientation: undefined,
        });
        expect({
          url: stored.url,
          exifHeader: bytes.includes('Exif\0\0'),
          serial: bytes.includes(SERIAL),
          camera: bytes.includes(CAMERA),
          latitude: bytes.includes(GPS_LATITUDE_BYTES),
        }).toEqual({ url: stored.url, exifHeader: false, serial: false, camera: false, latitude: false });
      }
    });

    it('recognises PNG, WebP and AVIF by their bytes and never upscales', async () => {
      const cases = [
        { format: 'png', bytes: await solid(500, 250, 4).png().toBuffer(), name: 'logo.png', type: 'image/png' },
        { format: 'webp', bytes: await solid(700, 350).webp().toBuffer(), name: 'a.webp', type: 'image/webp' },
        { format: 'avif', bytes: await solid(300, 150).avif().toBuffer(), name: 'a.avif', type: 'image/avif' },
      ];
      for (const c of cases) {
        const item = await uploaded(c.bytes, c.name, c.type);
        const largest = Math.min(item.width, 1920);
        expect({ format: item.format, original: item.original.format }).toEqual({
          format: c.format,
          original: c.format,
        });
        expect([...new Set(item.variants.map((v) => v.width))]).toEqual(
          [320, 640, 1280, 1920].filter((w) => w < largest).concat(largest),
        );
        expect(item.variants.every((v) => v.width <= item.width)).toBe(true);
        expect(item.url).toMatch(new RegExp(`/${largest}\\.jpg$`));
      }
    });

    it('stores a PNG renamed .jpg and declared image/jpeg as the PNG it is', async () => {
      const png = await solid(400, 200).png().toBuffer();
      const item = await uploaded(png, 'holiday.jpg', 'image/jpeg');
      expect({ format: item.format, original: pathOf(item.original.url).split('/')[3] }).toEqual({
        format: 'png',
        original: 'original.png',
      });
      const served = await fetchFile(item.original.url);
      expect(served.headers['content-type']).toBe('image/png');
    });

    it('refuses a text file named x.jpg with 415, and a HEIC-like or empty file', async () => {
      const text = Buffer.from('name,address\nJane,12 Elm Street\n');
      const res = await upload(text, 'x.jpg', 'image/jpeg');
      expectProblem(
        res,
        {
          code: 'unsupported_media_type',
          detail: 'The file is not an image this library takes (image/jpeg, image/png, image/webp, image/avif).',
          instance: ADMIN,
        },
        { errors: [{ field: 'file', message: 'file must be a JPEG, PNG, WebP or AVIF image' }] },
      );
      const heic = Buffer.concat([Buffer.from([0, 0, 0, 24]), Buffer.from('ftypheicmif1heic'), Buffer.alloc(64)]);
      expect((await upload(heic, 'IMG.heic', 'image/heic')).status).toBe(415);
      expectInvalid(await upload(Buffer.alloc(0), 'empty.jpg', 'image/jpeg'), ADMIN, [
        { field: 'file', message: 'file must not be empty' },
      ]);
    });

    it('refuses a decompression bomb (a tiny PNG declaring 30000×30000) before decoding it', async () => {
      const bomb = pngDeclaring(30_000, 30_000);
      expect(bomb.length).toBeLessThan(100);
      expectInvalid(await upload(bomb, 'bomb.png', 'image/png'), ADMIN, [
        { field: 'file', message: 'file must have at most 50 megapixels (it declares 30000×30000)' },
      ]);
      // Under the limit but without its pixels: unreadable, not a 500.
      expectInvalid(await upload(pngDeclaring(2000, 2000), 'cut.png', 'image/png'), ADMIN, [
        { field: 'file', message: 'file could not be read as an image (damaged or truncated)' },
      ]);
      // A JPEG cut in half.
      expectInvalid(await upload(photo.subarray(0, 2000), 'cut.jpg', 'image/jpeg'), ADMIN, [
        { field: 'file', message: 'file could not be read as an image (damaged or truncated)' },
      ]);
    });

    it('refuses more than 10 MB with 413', async () => {
      const big = Buffer.concat([photo, Buffer.alloc(10 * 1024 * 1024 + 1 - photo.length)]);
      expectProblem(await upload(big, 'big.jpg', 'image/jpeg'), {
        code: 'payload_too_large',
        detail: 'The file is larger than 10 MB.',
        instance: ADMIN,
      });
    });

    it('requires alt text, bounded, and refuses unknown fields, a second file and non-multipart bodies', async () => {
      const png = await solid(50, 50).png().toBuffer();
      expectInvalid(await upload(png, 'a.png', 'image/png', null), ADMIN, [
        { field: 'alt', message: 'alt must be a string' },
      ]);
      expectInvalid(await upload(png, 'a.png', 'image/png', '   '), ADMIN, [
        { field: 'alt', message: 'alt must be longer than or equal to 1 characters' },
      ]);
      expectInvalid(await upload(png, 'a.png', 'image/png', 'x'.repeat(251)), ADMIN, [
        { field: 'alt', message: 'alt must be shorter than or equal to 250 characters' },
      ]);
      expectInvalid(await upload(png, 'a.png', 'image/png', 'line\nbreak'), ADMIN, [
        { field: 'alt', message: 'alt must not contain control characters or line breaks' },
      ]);
      expectInvalid(await upload(png, 'a.png', 'image/png', 'nul\u0000here'), ADMIN, [
        { field: 'alt', message: 'alt must not contain control characters or line breaks' },
      ]);
      // Injection strings are text like any other: stored and returned as sent.
      const injection = `Robert'); DROP TABLE media_items;-- <img src=x onerror=alert(1)>`;
      const stored = await upload(png, '../../etc/passwd.png', 'image/png', injection);
      expect({ status: stored.status, alt: (stored.body as MediaJson).alt }).toEqual({ status: 201, alt: injection });
      const withExtra = http()
        .post(ADMIN)
        .set(editor.auth)
        .field('alt', ALT)
        .field('caption', 'x')
        .attach('file', png, 'a.png');
      expectInvalid(await withExtra, ADMIN, [{ field: 'caption', message: 'property caption should not exist' }]);
      const twoFiles = http()
        .post(ADMIN)
        .set(editor.auth)
        .field('alt', ALT)
        .attach('file', png, 'a.png')
        .attach('file', png, 'b.png');
      expectInvalid(await twoFiles, ADMIN, [{ field: 'file', message: 'send one file only' }]);
      const noFile = http().post(ADMIN).set(editor.auth).field('alt', ALT).field('file', 'not a file');
      expectInvalid(await noFile, ADMIN, [{ field: 'file', message: 'file must be a file part, not a text field' }]);
      expectInvalid(await http().post(ADMIN).set(editor.auth).field('alt', ALT), ADMIN, [
        { field: 'file', message: 'file is required' },
      ]);
      for (const body of [{}, { alt: ALT, file: 'aGVsbG8=' }]) {
        expectProblem(await http().post(ADMIN).set(editor.auth).send(body), {
          code: 'unsupported_media_type',
          detail: 'Send the image as multipart/form-data (fields file and alt).',
          instance: ADMIN,
        });
      }
      // A raw image body: refused by the platform's content-type parsing, before anything else.
      expectProblem(await http().post(ADMIN).set('content-type', 'image/jpeg').send(photo), {
        code: 'unsupported_media_type',
        detail: 'This content type is not accepted; send application/json.',
        instance: ADMIN,
      });
      const broken = http()
        .post(ADMIN)
        .set(editor.auth)
        .set('content-type', 'multipart/form-data; boundary=x')
        .send('--x\r\nContent-Disposition: form-data; name="file"; filename="a.png"\r\n\r\nabc');
      expectProblem(await broken, { code: 'bad_request', detail: 'The multipart body is malformed.', instance: ADMIN });
    });

    it('answers 415 to a multipart body on any other route, as before multipart existed', async () => {
      const path = '/api/v1/admin/articles';
      const res = await http().post(path).set(editor.auth).field('title', 'x');
      expectProblem(res, {
        code: 'unsupported_media_type',
        detail: 'This operation takes a JSON body (application/json).',
        instance: path,
      });
    });

    it('serves the files with immutable caching, the right type, an ETag and 304; 404 for anything else', async () => {
      const item = await uploaded(await solid(800, 400).jpeg().toBuffer());
      const avif = item.variants.find((v) => v.format === 'avif' && v.width === 640)!;
      const res = await fetchFile(avif.url);
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('image/avif');
      expect(res.headers['cache-control']).toBe(IMMUTABLE);
      expect(res.headers['cross-origin-resource-policy']).toBe('cross-origin');
      const hash = pathOf(item.url).split('/')[2];
      expect(res.headers.etag).toBe(`"${hash}-640.avif"`);
      expect(bytesOf(res).subarray(4, 12).toString('latin1')).toBe('ftypavif');
      const again = await fetchFile(avif.url, { 'If-None-Match': res.headers.etag });
      expect(again.status).toBe(304);
      expect(again.headers['cache-control']).toBe(IMMUTABLE);
      expect(bytesOf(again).length).toBe(0);
      const head = await http().head(pathOf(item.url));
      expect({ status: head.status, type: head.headers['content-type'] }).toEqual({
        status: 200,
        type: 'image/jpeg',
      });

      for (const path of [
        `/media/${hash}/2000.jpg`,
        `/media/${hash}/640.gif`,
        `/media/${hash}/..%2F..%2Fetc%2Fpasswd`,
        `/media/${'0'.repeat(32)}/640.jpg`,
        `/media/not-a-hash/640.jpg`,
      ]) {
        const missing = await http().get(path);
        expectProblem(missing, { code: 'not_found', detail: 'No media file has this address.', instance: path });
      }
    });

    it('lists newest first, gets one, edits the alt under If-Match, and audits uploads with their metadata', async () => {
      const first = await uploaded(await solid(100, 100).png().toBuffer(), 'a.png', 'image/png');
      const second = await uploaded(await solid(120, 100).png().toBuffer(), 'b.png', 'image/png');
      const list = await http().get(`${ADMIN}?pageSize=2`).set(editor.auth);
      expect(list.status).toBe(200);
      expect((list.body as { data: MediaJson[] }).data.map((m) => m.id)).toEqual([second.id, first.id]);
      expect((list.body as { meta: Json }).meta).toEqual({
        page: 1,
        pageSize: 2,
        total: expect.any(Number),
        totalPages: expect.any(Number),
      });

      const got = await http().get(`${ADMIN}/${first.id}`).set(editor.auth);
      expectJson(got, 200, { ...first, usages: {} });
      expect(got.headers.etag).toBe('"v1"');

      const path = `${ADMIN}/${first.id}`;
      const edited = await http().patch(path).set(editor.auth).set('If-Match', '"v1"').send({ alt: 'A new alt' });
      expectJson(edited, 200, {
        ...first,
        alt: 'A new alt',
        version: 2,
        updatedAt: expect.stringMatching(ISO),
      });
      expectProblem(await http().patch(path).set(editor.auth).set('If-Match', '"v1"').send({ alt: 'Again' }), {
        code: 'precondition_failed',
        detail: 'The media item has changed since you read it: reload it and retry.',
        instance: path,
      });
      expectInvalid(await http().patch(path).set(editor.auth).send({}), path, [
        { field: 'alt', message: 'alt must be a string' },
      ]);
      expectInvalid(await http().patch(path).set(editor.auth).send({ alt: 'x', url: 'y' }), path, [
        { field: 'url', message: 'property url should not exist' },
      ]);
      expectInvalid(await http().patch(path).set(editor.auth).send({ alt: 42 }), path, [
        { field: 'alt', message: 'alt must be a string' },
      ]);

      const audit = await http().get(`/api/v1/admin/audit-events?entityId=${first.id}`).set(admin.auth);
      const events = (audit.body as { data: Json[] }).data;
      expect(events.map((e) => e.action).sort()).toEqual(['media.updated', 'media.uploaded']);
      const uploadEvent = events.find((e) => e.action === 'media.uploaded')!;
      expect(uploadEvent).toMatchObject({
        entityType: 'media_item',
        actorType: 'user',
        actorId: editor.user.id,
        metadata: {
          hash: pathOf(first.url).split('/')[2],
          format: 'png',
          width: 100,
          height: 100,
          uploadBytes: first.uploadBytes,
          storedBytes: [first.original, ...first.variants].reduce((sum, f) => sum + f.bytes, 0),
          variants: 3,
          storage: env.MEDIA_DIR ? 'filesystem' : 'database',
        },
      });
    });

    it('deletes an unused item with its files; 409 naming the articles that show it as their cover', async () => {
      const item = await uploaded(await solid(900, 600).jpeg().toBuffer());
      const article = await createArticle(app(), editor, { coverImage: { mediaId: item.id } });
      const path = `${ADMIN}/${item.id}`;
      const shown = await http().get(path).set(editor.auth);
      expect(shown.body.usages).toEqual({ articles: [article.slug] });
      expectProblem(
        await http().delete(path).set(editor.auth),
        {
          code: 'media_in_use',
          detail: `This media item is in use (articles ${article.slug}): remove it there first.`,
          instance: path,
        },
        { usages: { articles: [article.slug] } },
      );
      const patched = await http()
        .patch(`/api/v1/admin/articles/${article.id}`)
        .set(editor.auth)
        .send({ coverImage: null });
      expect(patched.status).toBe(200);
      expectNoContent(await http().delete(path).set(editor.auth));
      expectProblem(await http().get(path).set(editor.auth), {
        code: 'not_found',
        detail: 'No media item has this id.',
        instance: path,
      });
      expect((await http().get(pathOf(item.url))).status).toBe(404);
      expect((await http().get(pathOf(item.original.url))).status).toBe(404);
    });

    it('keeps shared files until the last item with the same bytes is deleted', async () => {
      const bytes = await solid(200, 100).webp().toBuffer();
      const one = await uploaded(bytes, 'a.webp', 'image/webp');
      const two = await uploaded(bytes, 'b.webp', 'image/webp');
      expect(one.url).toBe(two.url);
      expectNoContent(await http().delete(`${ADMIN}/${one.id}`).set(editor.auth));
      expect((await fetchFile(two.url)).status).toBe(200);
      expectNoContent(await http().delete(`${ADMIN}/${two.id}`).set(editor.auth));
      expect((await http().get(pathOf(two.url))).status).toBe(404);
    });

    it('serves the files again when the same bytes are uploaded after their last item was deleted', async () => {
      const bytes = await solid(240, 120).png().toBuffer();
      const first = await uploaded(bytes, 'a.png', 'image/png');
      expectNoContent(await http().delete(`${ADMIN}/${first.id}`).set(editor.auth));
      expect((await http().get(pathOf(first.url))).status).toBe(404);
      const again = await uploaded(bytes, 'b.png', 'image/png');
      expect(again.url).toBe(first.url);
      for (const file of [again.original, ...again.variants]) expect((await fetchFile(file.url)).status).toBe(200);
      const other = await uploaded(bytes, 'c.png', 'image/png');
      expectNoContent(await http().delete(`${ADMIN}/${again.id}`).set(editor.auth));
      for (const file of [other.original, ...other.variants]) expect((await fetchFile(file.url)).status).toBe(200);
    });

    it('answers 401 without credentials and 403 to front desk on every route; admins and editors get in', async () => {
      const item = await uploaded(await solid(60, 60).png().toBuffer(), 'a.png', 'image/png');
      const routes = [
        () => http().get(ADMIN),
        () => http().post(ADMIN).field('alt', ALT).attach('file', photo, 'a.jpg'),
        () => http().get(`${ADMIN}/${item.id}`),
        () => http().patch(`${ADMIN}/${item.id}`).send({ alt: 'x' }),
        () => http().delete(`${ADMIN}/${item.id}`),
      ];
      for (const route of routes) {
        const anonymous = await route();
        expect({ status: anonymous.status, code: (anonymous.body as Json).code }).toEqual({
          status: 401,
          code: 'unauthorized',
        });
        const refused = await route().set(frontdesk.auth);
        expect({ status: refused.status, code: (refused.body as Json).code }).toEqual({
          status: 403,
          code: 'forbidden',
        });
      }
      expect((await http().get(`${ADMIN}/${item.id}`).set(admin.auth)).status).toBe(200);
    });

    it('answers 400 naming the parameter for ids that are not UUIDs and 404 for unknown ones', async () => {
      for (const [method, body] of [
        ['get', undefined],
        ['patch', { alt: 'x' }],
        ['delete', undefined],
      ] as const) {
        const bad = `${ADMIN}/not-a-uuid`;
        expectInvalid(await http()[method](bad).set(editor.auth).send(body), bad, [
          { field: 'id', message: 'id must be a UUID' },
        ]);
        const unknown = `${ADMIN}/00000000-0000-4000-8000-000000000000`;
        expectProblem(await http()[method](unknown).set(editor.auth).send(body), {
          code: 'not_found',
          detail: 'No media item has this id.',
          instance: unknown,
        });
      }
      expectInvalid(await http().get(`${ADMIN}?pageSize=0`).set(editor.auth), ADMIN, [
        { field: 'pageSize', message: 'pageSize must not be less than 1' },
      ]);
      expectInvalid(await http().get(`${ADMIN}?sort=alt`).set(editor.auth), ADMIN, [
        { field: 'sort', message: 'property sort should not exist' },
      ]);
    });

    const dir = env.MEDIA_DIR;
    if (dir) {
      it('keeps the files in MEDIA_DIR and nothing in the database', async () => {
        const item = await uploaded(await solid(700, 500).jpeg().toBuffer());
        const hash = pathOf(item.url).split('/')[2];
        const names = (await readdir(join(dir, hash))).sort();
        expect(names).toEqual([item.original, ...item.variants].map((f) => pathOf(f.url).split('/')[3]).sort());
        const rows = await app()
          .app.get(DataSource)
          .query<{ n: number }[]>('SELECT count(*)::int AS n FROM media_files');
        expect(rows[0].n).toBe(0);
        expectNoContent(await http().delete(`${ADMIN}/${item.id}`).set(editor.auth));
        expect(existsSync(join(dir, hash))).toBe(false);
      });
    } else {
      it('seeds three generated pictures, processed like uploads, once', async () => {
        const ds = app().app.get(DataSource);
        const context = { embeddedDatabase: false, config: app().config };
        expect(await runSeeders(ds, [demoMediaSeeder], context)).toEqual(['demo-media']);
        expect(await runSeeders(ds, [demoMediaSeeder], context)).toEqual([]);
        const list = await http().get(`${ADMIN}?pageSize=3`).set(editor.auth);
        const seeded = (list.body as { data: MediaJson[] }).data;
        expect(seeded.map((m) => m.alt).sort()).toEqual([
          'A warm sunset glow over still water',
          'Blue evening light over a quiet bay',
          'Soft green hills under a pale morning sky',
        ]);
        for (const item of seeded) {
          expect({
            width: item.width,
            height: item.height,
            createdBy: item.createdBy,
            variants: item.variants.length,
          }).toEqual({
            width: 1280,
            height: 853,
            createdBy: null,
            variants: 9,
          });
          const served = await fetchFile(item.url);
          expect({ status: served.status, type: served.headers['content-type'] }).toEqual({
            status: 200,
            type: 'image/jpeg',
          });
        }
      });

      it('keeps the files in the database by default', async () => {
        const item = await uploaded(await solid(700, 500).jpeg().toBuffer());
        const hash = pathOf(item.url).split('/')[2];
        const rows = await app()
          .app.get(DataSource)
          .query<{ name: string }[]>('SELECT name FROM media_files WHERE hash = $1 ORDER BY name', [hash]);
        expect(rows.map((r) => r.name)).toEqual(
          [item.original, ...item.variants].map((f) => pathOf(f.url).split('/')[3]).sort(),
        );
      });

      it('serves a file it has just served from memory, without reading its row again', async () => {
        const item = await uploaded(await solid(330, 220).jpeg().toBuffer());
        const first = await fetchFile(item.original.url);
        expect(first.status).toBe(200);
        const hash = pathOf(item.url).split('/')[2];
        // The row gone behind the app's back: only the in-memory copy can answer now.
        await app().app.get(DataSource).query('DELETE FROM media_files WHERE hash = $1', [hash]);
        const again = await fetchFile(item.original.url);
        expect([again.status, bytesOf(again).equals(bytesOf(first))]).toEqual([200, true]);
        expect((await http().get(pathOf(item.variants[0].url))).status).toBe(404);
      });
    }
  });
}

mediaSuite('media library, files in the database', {});

const MEDIA_DIR = mkdtempSync(join(tmpdir(), 'wellclinic-media-'));
afterAll(async () => {
  await rm(MEDIA_DIR, { recursive: true, force: true });
});
mediaSuite('media library, files in MEDIA_DIR', { MEDIA_DIR });

describe('media files under the general rate limit', () => {
  const LIMIT = 8;
  const app = useTestApp({ isolatedDatabase: true, env: { RATE_LIMIT_GENERAL_LIMIT: String(LIMIT) } });

  it('counts file requests against the per-IP general ceiling: 429 problem with Retry-After past it', async () => {
    const editor = await createStaff(app(), 'editor');
    const bytes = await solid(100, 80).jpeg().toBuffer();
    const res = await app()
      .http()
      .post(ADMIN)
      .set(editor.auth)
      .field('alt', ALT)
      .attach('file', bytes, { filename: 'a.jpg', contentType: 'image/jpeg' });
    expect(res.status).toBe(201);
    const path = pathOf((res.body as MediaJson).original.url);
    const statuses: number[] = [];
    let refused: Response | undefined;
    for (let i = 0; i < LIMIT + 1 && !refused; i++) {
      const file = await app().http().get(path);
      statuses.push(file.status);
      if (file.status === 429) refused = file;
      else expect(file.headers['ratelimit-limit']).toBe(String(LIMIT));
    }
    expect(statuses[0]).toBe(200);
    expect(refused).toBeDefined();
    const wait = Number((refused as Response).headers['retry-after']);
    expect(wait).toBeGreaterThan(0);
    expectProblem(refused as Response, {
      code: 'rate_limited',
      detail: `Too many requests. Retry in ${wait} ${wait === 1 ? 'second' : 'seconds'}.`,
      instance: path,
    });
  });
});
