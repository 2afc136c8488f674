import {
  buildSrcset,
  FILE_NAME_PATTERN,
  fileUrl,
  largestJpeg,
  srcsets,
  type StoredFile,
  variantName,
  variantWidths,
} from './media-urls.js';

const HASH = '0123456789abcdef0123456789abcdef';
const file = (width: number, format: StoredFile['format']): StoredFile => ({
  name: variantName(width, format),
  format,
  width,
  height: Math.round(width / 2),
  bytes: width * 10,
});
const variants = (widths: number[]) => widths.flatMap((w) => [file(w, 'jpeg'), file(w, 'avif'), file(w, 'webp')]);

describe('variantWidths', () => {
  it.each([
    [4000, [320, 640, 1280, 1920]],
    [1920, [320, 640, 1280, 1920]],
    [1921, [320, 640, 1280, 1920]],
    [1500, [320, 640, 1280, 1500]],
    [1280, [320, 640, 1280]],
    [641, [320, 640, 641]],
    [320, [320]],
    [200, [200]],
    [1, [1]],
  ])('an image %i px wide is made %j wide: never upscaled', (width, expected) => {
    expect(variantWidths(width)).toEqual(expected);
  });
});

describe('srcset', () => {
  it('lists one format by width, narrowest first, whatever order the variants are stored in', () => {
    const stored = variants([1280, 320, 640]).reverse();
    expect(buildSrcset('', HASH, stored, 'webp')).toBe(
      `/media/${HASH}/320.webp 320w, /media/${HASH}/640.webp 640w, /media/${HASH}/1280.webp 1280w`,
    );
  });

  it('gives every format its own srcset, under the configured base URL', () => {
    expect(srcsets('https://cdn.example.org', HASH, variants([320, 500]))).toEqual({
      avif: `https://cdn.example.org/media/${HASH}/320.avif 320w, https://cdn.example.org/media/${HASH}/500.avif 500w`,
      webp: `https://cdn.example.org/media/${HASH}/320.webp 320w, https://cdn.example.org/media/${HASH}/500.webp 500w`,
      jpeg: `https://cdn.example.org/media/${HASH}/320.jpg 320w, https://cdn.example.org/media/${HASH}/500.jpg 500w`,
    });
  });

  it('is empty for a format without variants', () => {
    expect(buildSrcset('', HASH, [file(320, 'jpeg')], 'avif')).toBe('');
  });
});

describe('file URLs and names', () => {
  it('builds root-relative URLs without a base, absolute ones with', () => {
    expect(fileUrl('', HASH, '640.jpg')).toBe(`/media/${HASH}/640.jpg`);
    expect(fileUrl('https://api.example.org', HASH, 'original.png')).toBe(
      `https://api.example.org/media/${HASH}/original.png`,
    );
  });

  it('takes the widest JPEG as the url', () => {
    expect(largestJpeg(variants([640, 1920, 320])).name).toBe('1920.jpg');
  });

  it.each(['320.jpg', '1920.webp', '7.avif', 'original.png', 'original.jpg'])('serves the name %s', (name) => {
    expect(FILE_NAME_PATTERN.test(name)).toBe(true);
  });

  it.each(['0320.jpg', '12345.jpg', '640.gif', '640.JPG', '../640.jpg', '640.jpg/', 'original', '640.jpg.png'])(
    'refuses the name %s',
    (name) => {
      expect(FILE_NAME_PATTERN.test(name)).toBe(false);
    },
  );
});
