import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';
import sharp, { type Sharp } from 'sharp';
import { AppException } from '../common/errors/app-exception.js';
import { validationFailed } from '../common/validation/validation-pipe.js';
import type { ImageFormat } from './image-type.js';
import {
  originalName,
  type StoredFile,
  VARIANT_FORMATS,
  type VariantFormat,
  variantName,
  variantWidths,
} from './media-urls.js';

/** Decompression bombs: an image declaring more pixels than this is refused before it is decoded. */
export const MAX_INPUT_PIXELS = 50_000_000;

/**
 * Bumped whenever processing changes what is made from an upload: it is part of the content hash, so the new files get
 * new URLs and no browser keeps an `immutable` copy of the old ones.
 */
const PROCESSING_VERSION = 'v1';

/** An upload's content hash as used in its URLs: 128 bits of SHA-256 over the processing version and the bytes. */
export function contentHash(upload: Buffer): string {
  return createHash('sha256').update(PROCESSING_VERSION).update(upload).digest('hex').slice(0, 32);
}

export interface ProcessedFile extends StoredFile {
  data: Buffer;
}

export interface ProcessedImage {
  /** Upright (EXIF orientation applied), every metadata block stripped, in the uploaded format. */
  original: ProcessedFile;
  variants: ProcessedFile[];
}

/**
 * Encoder settings: moderate quality and effort (AVIF's default effort 4 took several times longer for files a few
 * percent smaller). No `keepExif`/`keepIccProfile`/`withMetadata`: sharp then writes no EXIF, XMP, IPTC or ICC block
 * and converts to sRGB.
 */
function encode(image: Sharp, format: ImageFormat, role: 'original' | 'variant'): Sharp {
  const original = role === 'original';
  switch (format) {
    case 'jpeg':
      // JPEG has no alpha: a transparent PNG's variant gets a white background.
      return image.flatten({ background: '#ffffff' }).jpeg({ quality: original ? 90 : 80, progressive: true });
    case 'png':
      return image.png({ compressionLevel: 6 });
    case 'webp':
      return image.webp({ quality: original ? 90 : 75, effort: 2 });
    case 'avif':
      return image.avif({ quality: original ? 65 : 50, effort: 2 });
  }
}

const SHARP_FORMATS: Record<string, ImageFormat> = { jpeg: 'jpeg', png: 'png', webp: 'webp', heif: 'avif' };

const unreadable = () =>
  validationFailed([{ field: 'file', message: 'file could not be read as an image (damaged or truncated)' }]);

/**
 * Makes the cleaned original and the responsive variants of an upload with sharp (libvips). The work runs on libuv's
 * thread pool, off the event loop; `parallel` bounds how many encodes one upload runs at once, so that uploads
 * leave threads to file system work, DNS and password hashing (which share that pool).
 */
export async function processImage(input: Buffer, format: ImageFormat, parallel = 2): Promise<ProcessedImage> {
  // The header alone: dimensions and format, before anything is decoded (so no pixel limit applies yet).
  const header = await sharp(input, { limitInputPixels: false })
    .metadata()
    .catch(() => {
      throw unreadable();
    });
  if (SHARP_FORMATS[header.format ?? ''] !== format) throw unreadable();
  const pixels = (header.width ?? 0) * (header.height ?? 0);
  if (pixels > MAX_INPUT_PIXELS) {
    throw validationFailed([
      {
        field: 'file',
        message: `file must have at most ${MAX_INPUT_PIXELS / 1_000_000} megapixels (it declares ${header.width}×${header.height})`,
      },
    ]);
  }
  // limitInputPixels as well: the decoder enforces it whatever the header said.
  const open = () => sharp(input, { autoOrient: true, limitInputPixels: MAX_INPUT_PIXELS, failOn: 'error' });
  try {
    const original = await toFile(encode(open(), format, 'original'), format, () => originalName(format));
    const widths = variantWidths(original.width);
    // Decoded once, at the largest variant width; every variant is made from these pixels.
    const base = await open()
      .resize({ width: widths.at(-1), withoutEnlargement: true })
      .toColourspace('srgb')
      .raw()
      .toBuffer({ resolveWithObject: true });
    const raw = { raw: { width: base.info.width, height: base.info.height, channels: base.info.channels } };
    const jobs = widths.flatMap((width) =>
      VARIANT_FORMATS.map((variantFormat: VariantFormat) => () => {
        const image = sharp(base.data, raw);
        const sized = width === base.info.width ? image : image.resize({ width });
        return toFile(encode(sized, variantFormat, 'variant'), variantFormat, (w) => variantName(w, variantFormat));
      }),
    );
    return { original, variants: await runLimited(jobs, parallel) };
  } catch {
    // What libvips refuses here is the file: truncated data, a corrupt stream, more pixels than the header said.
    throw unreadable();
  }
}

async function toFile(image: Sharp, format: ImageFormat, name: (width: number) => string): Promise<ProcessedFile> {
  const { data, info } = await image.toBuffer({ resolveWithObject: true });
  return { name: name(info.width), format, width: info.width, height: info.height, bytes: data.length, data };
}

/** Runs the jobs with at most `limit` at a time, keeping their order in the result. */
async function runLimited<T>(jobs: readonly (() => Promise<T>)[], limit: number): Promise<T[]> {
  const results: T[] = new Array<T>(jobs.length);
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const at = next++;
      results[at] = await jobs[at]();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, jobs.length) }, worker));
  return results;
}

/** Uploads waiting for processing beyond which new ones are refused for a moment. */
export const MAX_WAITING_UPLOADS = 16;

const busy = () =>
  new AppException('service_unavailable', 'Too many images are being processed: retry in a few seconds.', {
    headers: { 'Retry-After': '5' },
  });

/**
 * At most `limit` tasks at a time; the others wait their turn, first come first served. A slot passes straight from
 * a finishing task to the next in line, so a newcomer cannot overtake those already waiting. Past `maxWaiting` waiting
 * tasks a new one is refused (503 with Retry-After): each holds an upload of up to 10 MB in memory meanwhile.
 */
export class TaskQueue {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(
    private readonly limit: number,
    private readonly maxWaiting = Infinity,
  ) {}

  /** Tasks running and waiting (for tests and metrics). */
  get size(): { running: number; waiting: number } {
    return { running: this.running, waiting: this.waiting.length };
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.running < this.limit) this.running++;
    else if (this.waiting.length >= this.maxWaiting) throw busy();
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }
}

/**
 * Uploads admitted at once, from the first byte of their body read to the end of their processing: past `max` a new
 * one is refused (503 with Retry-After) before its body is read, so that a burst cannot buffer an unbounded number of
 * 10 MB bodies ahead of the queue's own limit.
 */
export class UploadSlots {
  private taken = 0;

  constructor(readonly max: number) {}

  get inUse(): number {
    return this.taken;
  }

  /** A slot, or 503 when all are taken; the function returned gives it back (once, however often called). */
  take(): () => void {
    if (this.taken >= this.max) throw busy();
    this.taken++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.taken--;
    };
  }
}

/**
 * The processing queue: at most MEDIA_PROCESSING_CONCURRENCY uploads are processed at once (default 1), the others
 * wait their turn, so that a burst of uploads takes a bounded share of the CPU and of libuv's threads while the API
 * keeps answering.
 */
@Injectable()
export class MediaProcessor {
  private readonly queue: TaskQueue;
  /** As many uploads as the queue runs and lets wait: the body of any other is not read. */
  readonly uploads: UploadSlots;

  constructor(config: AppConfig) {
    this.queue = new TaskQueue(config.media.processingConcurrency, MAX_WAITING_UPLOADS);
    this.uploads = new UploadSlots(config.media.processingConcurrency + MAX_WAITING_UPLOADS);
  }

  process(input: Buffer, format: ImageFormat): Promise<ProcessedImage> {
    return this.queue.run(() => processImage(input, format));
  }
}
