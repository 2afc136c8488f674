import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AppConfig } from '../config/app-config.js';
import type { MediaItem } from './media-item.entity.js';
import { fileUrl, largestJpeg, srcsets, type VariantFormat } from './media-urls.js';
import { MediaRepository } from './media.repository.js';

/** A media item as another feature shows it: what an `<img>`/`<picture>` needs. */
export interface MediaImage {
  id: string;
  /** The widest JPEG variant. */
  url: string;
  width: number;
  height: number;
  alt: string;
  srcset: Record<VariantFormat, string>;
}

/** What describing an item needs of it: for a feature that reads items joined to its own rows (no query of its own). */
export type MediaImageSource = Pick<MediaItem, 'id' | 'hash' | 'alt' | 'variants'>;

/**
 * What other features use of the media library (through its index): check that the items a record is about to show
 * exist, and describe the items records show.
 */
@Injectable()
export class MediaCatalog {
  constructor(
    private readonly media: MediaRepository,
    private readonly config: AppConfig,
  ) {}

  /**
   * The ids among these that name a media item, share-locked for the caller's transaction: a delete cannot remove
   * one before the record that now uses it commits (and then sees that use and refuses).
   */
  async claim(ids: readonly string[], manager: EntityManager): Promise<Set<string>> {
    const found = await this.media.findForShare([...new Set(ids)], manager);
    return new Set(found.map((item) => item.id));
  }

  /** The items with these ids, by id (ids of deleted items are absent). */
  async describe(ids: readonly string[]): Promise<Map<string, MediaImage>> {
    const items = await this.media.findByIds([...new Set(ids)]);
    return new Map(items.map((item) => [item.id, this.image(item)]));
  }

  /** An item as read by the caller (joined to its rows, say), described. */
  image(item: MediaImageSource): MediaImage {
    const base = this.config.media.baseUrl;
    const largest = largestJpeg(item.variants);
    return {
      id: item.id,
      url: fileUrl(base, item.hash, largest.name),
      width: largest.width,
      height: largest.height,
      alt: item.alt,
      srcset: srcsets(base, item.hash, item.variants),
    };
  }
}
