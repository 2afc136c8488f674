import { sniffImageFormat } from './image-type.js';

const bytes = (...parts: (string | number[] | Buffer)[]) =>
  Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : Buffer.from(p))));

/** An ISO BMFF `ftyp` box: size, 'ftyp', major brand, minor version, compatible brands. */
const ftyp = (major: string, ...compatible: string[]) => {
  const size = 16 + 4 * compatible.length;
  return bytes([0, 0, 0, size], 'ftyp', major, [0, 0, 0, 0], ...compatible, [0, 0, 0, 8], 'meta');
};

describe('sniffImageFormat', () => {
  it.each([
    ['a JPEG (JFIF)', bytes([0xff, 0xd8, 0xff, 0xe0, 0, 0x10], 'JFIF'), 'jpeg'],
    ['a JPEG (EXIF)', bytes([0xff, 0xd8, 0xff, 0xe1, 0x12, 0x34], 'Exif'), 'jpeg'],
    ['a PNG', bytes([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13], 'IHDR'), 'png'],
    ['a WebP', bytes('RIFF', [0x24, 0, 0, 0], 'WEBPVP8 '), 'webp'],
    ['an AVIF still image', ftyp('avif', 'mif1', 'miaf'), 'avif'],
    ['an AVIF sequence', ftyp('avis', 'msf1'), 'avif'],
    ['an AVIF named by a compatible brand only', ftyp('mif1', 'avif', 'miaf'), 'avif'],
  ])('recognises %s', (_name, input, format) => {
    expect(sniffImageFormat(input)).toBe(format);
  });

  it.each([
    ['an empty file', Buffer.alloc(0)],
    ['text', bytes('name,address\nJane,12 Elm Street\n')],
    ['HTML calling itself an image', bytes('<!doctype html><script>alert(1)</script>')],
    ['an SVG', bytes('<svg xmlns="http://www.w3.org/2000/svg"></svg>')],
    ['a GIF', bytes('GIF89a', [1, 0, 1, 0])],
    ['a PDF', bytes('%PDF-1.7\n')],
    ['a HEIC photo', ftyp('heic', 'mif1', 'heic')],
    ['an MP4 video', ftyp('isom', 'iso2', 'mp41')],
    ['a RIFF that is no WebP (WAV)', bytes('RIFF', [0x24, 0, 0, 0], 'WAVEfmt ')],
    ['a JPEG cut to two bytes', bytes([0xff, 0xd8])],
    ['a PNG signature cut short', bytes([0x89, 0x50, 0x4e, 0x47])],
    ['an ftyp box too short to name brands', bytes([0, 0, 0, 8], 'ftypavif')],
    ['an ftyp box whose size claims less than its header', bytes([0, 0, 0, 4], 'ftyp', 'mif1', [0, 0, 0, 0], 'avif')],
  ])('refuses %s', (_name, input) => {
    expect(sniffImageFormat(input)).toBeUndefined();
  });

  it('reads brands only within the ftyp box, not from what follows it', () => {
    expect(sniffImageFormat(bytes(ftyp('heic', 'mif1'), 'avif'))).toBeUndefined();
  });
});
