import './media.problems.js';
import { Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { AuditContext } from '../common/audit/audit-log.js';
import { AppException } from '../common/errors/app-exception.js';
import { type Page, pageWindow, toPage } from '../common/pagination/pagination.js';
import { notFound, VersionedWrites } from '../common/persistence/versioned-writes.js';
import type { UpdateMediaRequest } from './dto/media.requests.js';
import { MediaProcessor } from './image-processing.js';
import type { MediaItem } from './media-item.entity.js';
import { MediaStorage } from './media-storage.js';
import { MediaUsages } from './media-usage.js';
import { MediaRepository } from './media.repository.js';
import { RecentFiles } from './recent-files.js';
import { prepareUpload, saveMediaItem } from './media-items.js';
import type { Upload } from './media-upload.js';

/** The media library: uploads (checked, cleaned, made into variants), alt text, deletes refused while in use. */
@Injectable()
export class MediaService {
  private readonly logger = new Logger(MediaService.name);

  constructor(
    private readonly media: MediaRepository,
    private readonly storage: MediaStorage,
    private readonly processor: MediaProcessor,
    private readonly usages: MediaUsages,
    private readonly writes: VersionedWrites,
    private readonly recent: RecentFiles,
  ) {}

  async list(query: { page: number; pageSize: number }): Promise<Page<MediaItem>> {
    const [items, total] = await this.media.findPage(pageWindow(query));
    return toPage(items, total, query);
  }

  async get(id: string): Promise<MediaItem> {
    const item = await this.media.findById(id);
    if (!item) throw notFound(this.media.noun);
    return item;
  }

  /** The item and the records that show it, by kind (what a delete would be refused for). */
  async getWithUsages(id: string): Promise<{ item: MediaItem; usages: Record<string, string[]> }> {
    const item = await this.get(id);
    return { item, usages: await this.usages.of(id) };
  }

  /**
   * The format is what the bytes say (a PNG named `.jpg` is a PNG); anything but JPEG, PNG, WebP or AVIF is 415. The
   * image is processed (in the queue) before the transaction opens, so no connection waits on sharp. The body is
   * read (`read`) only once the upload has a slot (MediaProcessor.uploads: 503 with Retry-After when none is free).
   */
  async upload(read: () => Promise<Upload>, ctx: AuditContext): Promise<MediaItem> {
    const release = this.processor.uploads.take();
    let prepared: Awaited<ReturnType<typeof prepareUpload>>;
    let fields: Upload['fields'];
    try {
      const upload = await read();
      fields = upload.fields;
      prepared = await prepareUpload(upload.file, (input, format) => this.processor.process(input, format));
    } finally {
      release();
    }
    const { original, variants } = prepared.processed;
    return this.writes.transaction({}, async (manager) => {
      const item = await saveMediaItem(manager, this.storage, prepared, fields.alt, ctx.actor.id);
      await this.writes.audit(manager, this.media, item, ctx, {
        action: 'media.uploaded',
        metadata: {
          hash: prepared.hash,
          format: prepared.format,
          width: item.width,
          height: item.height,
          uploadBytes: prepared.uploadBytes,
          storedBytes: [original, ...variants].reduce((sum, f) => sum + f.bytes, 0),
          variants: variants.length,
          storage: this.storage.kind,
        },
      });
      return item;
    });
  }

  update(id: string, body: UpdateMediaRequest, ifMatch: string | undefined, ctx: AuditContext): Promise<MediaItem> {
    // The public responses that show the item (article covers, directory photos) carry its alt: drop them.
    return this.writes.transaction({ invalidates: this.usages.cacheTags() }, async (manager) => {
      const { entity } = await this.writes.change(manager, this.media, id, ifMatch, ctx, (item) => {
        if (item.alt === body.alt) return undefined;
        item.alt = body.alt;
        return (saved) => ({ action: 'media.updated', metadata: { fields: ['alt'], version: saved.version } });
      });
      return entity;
    });
  }

  /**
   * Refused (409 `media_in_use`) while any feature's record shows the item; its files go with its last item. Upload
   * and delete of the same bytes hold the hash's lock (MediaRepository.lockHash), so the files are never removed
   * under an upload that is reusing them. Files in a directory cannot be rolled back: they are removed after the
   * delete commits, in a transaction of their own, under the lock and only if no item has the hash by then.
   */
  async remove(id: string, ifMatch: string | undefined, ctx: AuditContext): Promise<void> {
    const hash = await this.writes.transaction({}, async (manager) => {
      const item = await this.writes.lock(manager, this.media, id, ifMatch);
      const usages = await this.usages.of(id, manager);
      if (Object.keys(usages).length > 0) {
        const named = Object.entries(usages)
          .map(([kind, users]) => `${kind} ${users.join(', ')}`)
          .join('; ');
        throw new AppException('media_in_use', `This media item is in use (${named}): remove it there first.`, {
          extensions: { usages },
        });
      }
      await this.media.lockHash(item.hash, manager);
      await this.media.delete(id, manager);
      await this.writes.audit(manager, this.media, item, ctx, {
        action: 'media.deleted',
        metadata: { hash: item.hash, version: item.version },
      });
      if (this.storage.transactional) await this.removeFilesIfUnused(item.hash, manager);
      return item.hash;
    });
    // This instance stops serving them at once (if no item has them any more, they are gone from storage too).
    this.recent.evict(hash);
    if (!this.storage.transactional) {
      try {
        await this.writes.transaction({}, async (manager) => {
          await this.media.lockHash(hash, manager);
          await this.removeFilesIfUnused(hash, manager);
        });
        this.recent.evict(hash);
      } catch (error) {
        // The item is gone (committed): files left behind are unreachable from the API, not a failed delete.
        this.logger.warn(`Could not remove the files of ${hash}: ${(error as Error).message}`);
      }
    }
  }

  private async removeFilesIfUnused(hash: string, manager: EntityManager): Promise<void> {
    if (!(await this.media.hashInUse(hash, manager))) await this.storage.remove(hash, manager);
  }
}
