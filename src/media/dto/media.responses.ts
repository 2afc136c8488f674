import { ApiProperty } from '@nestjs/swagger';
import { VersionedRepresentation } from '../../common/http/response-headers.js';
import { IMAGE_FORMATS, type ImageFormat } from '../image-type.js';
import type { MediaItem } from '../media-item.entity.js';
import { fileUrl, largestJpeg, srcsets, type StoredFile } from '../media-urls.js';

const HASH = '3f9a1c0e5b7d2468ace013579bdf2468';

export class MediaFileResponse {
  @ApiProperty({ example: `/media/${HASH}/1280.webp` })
  readonly url!: string;

  @ApiProperty({ enum: IMAGE_FORMATS, enumName: 'ImageFormat', example: 'webp' })
  readonly format!: ImageFormat;

  @ApiProperty({ example: 1280 })
  readonly width!: number;

  @ApiProperty({ example: 853 })
  readonly height!: number;

  @ApiProperty({ example: 94_210 })
  readonly bytes!: number;
}

/** A ready `srcset` per format: put AVIF and WebP in `<source type=…>` elements and JPEG on the `<img>`. */
export class MediaSrcsetResponse {
  @ApiProperty({ example: `/media/${HASH}/320.avif 320w, /media/${HASH}/640.avif 640w` })
  readonly avif!: string;

  @ApiProperty({ example: `/media/${HASH}/320.webp 320w, /media/${HASH}/640.webp 640w` })
  readonly webp!: string;

  @ApiProperty({ example: `/media/${HASH}/320.jpg 320w, /media/${HASH}/640.jpg 640w` })
  readonly jpeg!: string;
}

@VersionedRepresentation()
export class MediaResponse {
  @ApiProperty({ format: 'uuid' })
  readonly id!: string;

  /** The widest JPEG variant: what any browser shows (`<img src>`). */
  @ApiProperty({ example: `/media/${HASH}/1920.jpg` })
  readonly url!: string;

  /** Of the upright original (EXIF orientation applied). */
  @ApiProperty({ example: 4000 })
  readonly width!: number;

  @ApiProperty({ example: 2667 })
  readonly height!: number;

  @ApiProperty({ example: 'A quiet consulting room with two armchairs and a window onto a garden' })
  readonly alt!: string;

  /** The uploaded format (recognised from the bytes). */
  @ApiProperty({ enum: IMAGE_FORMATS, enumName: 'ImageFormat', example: 'jpeg' })
  readonly format!: ImageFormat;

  /** The size of the upload. */
  @ApiProperty({ example: 3_481_022 })
  readonly uploadBytes!: number;

  /** The original, upright and without any metadata, at full size in the uploaded format. */
  @ApiProperty({ type: MediaFileResponse })
  readonly original!: MediaFileResponse;

  /** Every variant: each width in AVIF, WebP and JPEG, narrowest first. */
  @ApiProperty({ type: [MediaFileResponse] })
  readonly variants!: MediaFileResponse[];

  @ApiProperty({ type: MediaSrcsetResponse })
  readonly srcset!: MediaSrcsetResponse;

  @ApiProperty({ example: 1 })
  readonly version!: number;

  @ApiProperty({ format: 'date-time' })
  readonly createdAt!: string;

  @ApiProperty({ format: 'date-time' })
  readonly updatedAt!: string;

  /** Who uploaded it. */
  @ApiProperty({ format: 'uuid', nullable: true, type: String })
  readonly createdBy!: string | null;

  @ApiProperty({ format: 'uuid', nullable: true, type: String })
  readonly updatedBy!: string | null;
}

@VersionedRepresentation()
export class MediaDetailResponse extends MediaResponse {
  /** The records that show the item, by kind: deleting it is refused (409 `media_in_use`) while any does. */
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'array', items: { type: 'string' } },
    example: { articles: ['being-kind-to-yourself'] },
  })
  readonly usages!: Record<string, string[]>;
}

const fileOf = (baseUrl: string, hash: string, file: StoredFile): MediaFileResponse => ({
  url: fileUrl(baseUrl, hash, file.name),
  format: file.format,
  width: file.width,
  height: file.height,
  bytes: file.bytes,
});

/** Narrowest first, then AVIF, WebP, JPEG. */
const FORMAT_ORDER: Record<string, number> = { avif: 0, webp: 1, jpeg: 2 };

export function mapMedia(item: MediaItem, baseUrl: string): MediaResponse {
  const variants = [...item.variants].sort(
    (a, b) => a.width - b.width || FORMAT_ORDER[a.format] - FORMAT_ORDER[b.format],
  );
  return {
    id: item.id,
    url: fileUrl(baseUrl, item.hash, largestJpeg(item.variants).name),
    width: item.width,
    height: item.height,
    alt: item.alt,
    format: item.format,
    uploadBytes: item.uploadBytes,
    original: fileOf(baseUrl, item.hash, item.original),
    variants: variants.map((v) => fileOf(baseUrl, item.hash, v)),
    srcset: srcsets(baseUrl, item.hash, item.variants),
    version: item.version,
    createdAt: item.createdAt.toISOString(),
    updatedAt: item.updatedAt.toISOString(),
    createdBy: item.createdBy,
    updatedBy: item.updatedBy,
  };
}
