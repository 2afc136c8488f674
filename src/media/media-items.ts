import sharp from 'sharp';
import type { EntityManager } from 'typeorm';
import { AppException } from '../common/errors/app-exception.js';
import type { AppConfig } from '../config/app-config.js';
import { contentHash, type ProcessedImage, processImage } from './image-processing.js';
import { CONTENT_TYPES, type ImageFormat, sniffImageFormat } from './image-type.js';
import type { MediaItem } from './media-item.entity.js';
import { DatabaseMediaStorage, type MediaStorage, mediaStorageFor } from './media-storage.js';
import type { StoredFile } from './media-urls.js';
import { MediaRepository } from './media.repository.js';

const ACCEPTED = Object.values(CONTENT_TYPES).join(', ');

/** An upload recognised and processed, ready to be stored. */
export interface PreparedUpload {
  format: ImageFormat;
  hash: string;
  uploadBytes: number;
  processed: ProcessedImage;
}

/**
 * Recognises the format from the bytes (a PNG named `.jpg` is a PNG; anything but JPEG, PNG, WebP or AVIF is 415)
 * and processes the image with `process` (the queue for uploads, sharp directly for seeders).
 */
export async function prepareUpload(
  bytes: Buffer,
  process: (input: Buffer, format: ImageFormat) => Promise<ProcessedImage>,
): Promise<PreparedUpload> {
  const format = sniffImageFormat(bytes);
  if (!format) {
    throw new AppException('unsupported_media_type', `The file is not an image this library takes (${ACCEPTED}).`, {
      errors: [{ field: 'file', message: 'file must be a JPEG, PNG, WebP or AVIF image' }],
    });
  }
  return { format, hash: contentHash(bytes), uploadBytes: bytes.length, processed: await process(bytes, format) };
}

const withoutData = ({ name, format, width, height, bytes }: StoredFile): StoredFile => ({
  name,
  format,
  width,
  height,
  bytes,
});

/** Stores the files and the item in the caller's transaction, holding the hash's lock (see MediaRepository.lockHash). */
export async function saveMediaItem(
  manager: EntityManager,
  storage: MediaStorage,
  prepared: PreparedUpload,
  alt: string,
  actorId: string | null,
): Promise<MediaItem> {
  const { original, variants } = prepared.processed;
  const media = new MediaRepository(manager.connection);
  await media.lockHash(prepared.hash, manager);
  await storage.save(prepared.hash, [original, ...variants], manager);
  return media.insert(
    {
      hash: prepared.hash,
      alt,
      format: prepared.format,
      width: original.width,
      height: original.height,
      uploadBytes: prepared.uploadBytes,
      original: withoutData(original),
      variants: variants.map(withoutData),
      createdBy: actorId,
      updatedBy: actorId,
    },
    manager,
  );
}

/**
 * Demo pictures drawn as SVG, rendered to JPEG and processed once per process: the same drawing always gives the same
 * bytes, so a process that seeds many databases (the test suites boot hundreds of apps) pays sharp's ~0.2 s per
 * picture once, not once per seed. A few MB for the demo's handful of pictures; a failed rendering is not kept.
 */
const drawnPictures = new Map<string, Promise<PreparedUpload>>();

function prepareDrawing(svg: string, quality: number): Promise<PreparedUpload> {
  const key = `${quality}:${svg}`;
  let prepared = drawnPictures.get(key);
  if (!prepared) {
    prepared = sharp(Buffer.from(svg))
      .jpeg({ quality })
      .toBuffer()
      .then((jpeg) => prepareUpload(jpeg, processImage));
    drawnPictures.set(key, prepared);
    prepared.catch(() => drawnPictures.delete(key));
  }
  return prepared;
}

/**
 * Adds a picture drawn as SVG to the media library from a seeder (which has a transaction and the configuration, no
 * services): rendered to a JPEG of the given quality, processed like an upload and kept where the app keeps files
 * (MEDIA_DIR or the database). For demo content whose pictures are drawn at seed time (no file copied from anywhere):
 * practitioner photos, location photos, covers.
 */
export async function seedDrawnPicture(
  manager: EntityManager,
  config: AppConfig | undefined,
  drawing: { svg: string; quality: number },
  alt: string,
): Promise<MediaItem> {
  const database = new DatabaseMediaStorage(manager.connection);
  const storage = config ? mediaStorageFor(config, database) : database;
  return saveMediaItem(manager, storage, await prepareDrawing(drawing.svg, drawing.quality), alt, null);
}
