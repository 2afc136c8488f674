import { EXTENSIONS, type ImageFormat } from './image-type.js';

/** Widths of the responsive variants; an image narrower than one is never upscaled to it. */
export const VARIANT_WIDTHS = [320, 640, 1280, 1920] as const;
/** The formats of the variants: AVIF and WebP for browsers that take them, JPEG for every other. */
export const VARIANT_FORMATS = ['avif', 'webp', 'jpeg'] as const satisfies readonly ImageFormat[];
export type VariantFormat = (typeof VARIANT_FORMATS)[number];

/** Where the files are served: `/media/<hash>/<name>`, outside `/api`. */
export const MEDIA_ROUTE_PREFIX = '/media';

/** A stored file of a media item: the cleaned original or one of its variants. */
export interface StoredFile {
  /** `<width>.<ext>` for a variant, `original.<ext>` for the original. */
  name: string;
  format: ImageFormat;
  width: number;
  height: number;
  bytes: number;
}

/** The names files are served under: a variant's width (at most 4 digits) or `original`, and the format's extension. */
export const FILE_NAME_PATTERN = /^(?:[1-9]\d{0,3}|original)\.(?:jpg|png|webp|avif)$/;
/** A content hash as it appears in URLs: 32 lowercase hex digits. */
export const HASH_PATTERN = /^[0-9a-f]{32}$/;

/**
 * The widths an image `width` pixels wide is made in: every standard width below it, and its own width (up to the
 * largest standard one) so the widest variant is never blurrier than what was uploaded.
 */
export function variantWidths(width: number): number[] {
  const largest = Math.min(width, VARIANT_WIDTHS.at(-1)!);
  return [...VARIANT_WIDTHS.filter((w) => w < largest), largest];
}

export const variantName = (width: number, format: ImageFormat): string => `${width}.${EXTENSIONS[format]}`;
export const originalName = (format: ImageFormat): string => `original.${EXTENSIONS[format]}`;

/** A file's URL: root-relative (`/media/…`) without a base URL, else under it (MEDIA_BASE_URL: the API's origin, a CDN). */
export function fileUrl(baseUrl: string, hash: string, name: string): string {
  return `${baseUrl}${MEDIA_ROUTE_PREFIX}/${hash}/${name}`;
}

/** An `<img srcset>` / `<source srcset>` value of one format: its variants by width, narrowest first. */
export function buildSrcset(
  baseUrl: string,
  hash: string,
  variants: readonly StoredFile[],
  format: VariantFormat,
): string {
  return variants
    .filter((v) => v.format === format)
    .sort((a, b) => a.width - b.width)
    .map((v) => `${fileUrl(baseUrl, hash, v.name)} ${v.width}w`)
    .join(', ');
}

/** The srcset of each variant format. */
export function srcsets(baseUrl: string, hash: string, variants: readonly StoredFile[]): Record<VariantFormat, string> {
  return {
    avif: buildSrcset(baseUrl, hash, variants, 'avif'),
    webp: buildSrcset(baseUrl, hash, variants, 'webp'),
    jpeg: buildSrcset(baseUrl, hash, variants, 'jpeg'),
  };
}

/** The widest JPEG variant: the `url` every browser can show. */
export function largestJpeg(variants: readonly StoredFile[]): StoredFile {
  const jpegs = variants.filter((v) => v.format === 'jpeg').sort((a, b) => b.width - a.width);
  if (!jpegs[0]) throw new Error('A media item without a JPEG variant');
  return jpegs[0];
}
