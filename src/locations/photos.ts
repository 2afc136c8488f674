import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { validationFailed } from '../common/validation/validation-pipe.js';
import { MediaCatalog, type MediaImage } from '../media/index.js';
import type { PhotoInput, PhotoResponse } from './dto/photo.dto.js';

/** The columns of a record (practitioner, location) that shows a media library item as its photo. */
export interface PhotoColumns {
  photoMediaId: string | null;
  photoAlt: string | null;
}

/** The columns a request's `photo` sets: null clears the photo. */
export function photoColumns(photo: PhotoInput | null): PhotoColumns {
  return { photoMediaId: photo?.mediaId ?? null, photoAlt: photo?.alt ?? null };
}

/** The photo of a record, given its media item as looked up (null: none, or deleted since). */
export function photoOf(record: PhotoColumns, media: MediaImage | null | undefined): PhotoResponse | null {
  if (record.photoMediaId === null || !media) return null;
  const { url, width, height, srcset, id, alt } = media;
  return { url, alt: record.photoAlt ?? alt, width, height, srcset, mediaId: id };
}

/**
 * schema.org `image` of a photo, as article covers do it: named only when its URL is absolute (MEDIA_BASE_URL set),
 * since search engines need no relative one.
 */
export function photoJsonLd(photo: PhotoResponse | null): Record<string, unknown> {
  return photo && /^https?:\/\//.test(photo.url)
    ? { image: { '@type': 'ImageObject', url: photo.url, caption: photo.alt } }
    : {};
}

/**
 * Practitioners' and locations' photos in the media library: checks on write that the item exists (share-locking it
 * until the write commits, see MediaCatalog.claim), and looks up a page's photos in one query for responses.
 */
@Injectable()
export class DirectoryPhotos {
  constructor(private readonly media: MediaCatalog) {}

  /** An unknown item is 400 naming `photo.mediaId`. */
  async claim(mediaId: string | null | undefined, manager: EntityManager): Promise<void> {
    if (!mediaId || (await this.media.claim([mediaId], manager)).has(mediaId)) return;
    throw validationFailed([{ field: 'photo.mediaId', message: 'photo.mediaId names no media item' }]);
  }

  /** The photos of these records, in their order. */
  async of(records: readonly PhotoColumns[]): Promise<(PhotoResponse | null)[]> {
    const ids = records.flatMap((r) => (r.photoMediaId ? [r.photoMediaId] : []));
    const found = ids.length > 0 ? await this.media.describe(ids) : new Map<string, MediaImage>();
    return records.map((r) => photoOf(r, r.photoMediaId ? found.get(r.photoMediaId) : null));
  }
}
