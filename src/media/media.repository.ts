import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type DeepPartial, type EntityManager, In } from 'typeorm';
import { VersionedRepository } from '../common/persistence/versioned.repository.js';
import { MediaItem } from './media-item.entity.js';

/** Every query of the media items (their files are the MediaStorage's). */
@Injectable()
export class MediaRepository extends VersionedRepository<MediaItem> {
  readonly noun = 'media item';

  constructor(@InjectDataSource() dataSource: DataSource) {
    super(dataSource, MediaItem);
  }

  insert(fields: DeepPartial<MediaItem>, manager?: EntityManager): Promise<MediaItem> {
    const m = this.manager(manager);
    return m.save(m.create(MediaItem, fields));
  }

  /** One page, newest first (ties by id), and how many there are. */
  findPage(window: { skip: number; take: number }, manager?: EntityManager): Promise<[MediaItem[], number]> {
    return this.manager(manager).findAndCount(MediaItem, { order: { createdAt: 'DESC', id: 'DESC' }, ...window });
  }

  findByIds(ids: readonly string[], manager?: EntityManager): Promise<MediaItem[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return this.manager(manager).find(MediaItem, { where: { id: In([...ids]) } });
  }

  /**
   * The items with these ids that exist, share-locked until the transaction ends: a record that starts using one
   * waits for a delete in progress (which holds the row for update) and then finds it gone, and a delete waits for
   * the record's transaction and then sees the use.
   */
  findForShare(ids: readonly string[], manager: EntityManager): Promise<MediaItem[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return manager.find(MediaItem, {
      where: { id: In([...ids]) },
      order: { id: 'ASC' },
      lock: { mode: 'pessimistic_read' },
    });
  }

  async delete(id: string, manager?: EntityManager): Promise<void> {
    await this.manager(manager).delete(MediaItem, { id });
  }

  /**
   * Serialises, until the transaction ends, every upload and delete of the same bytes: a delete that finds no other
   * item with the hash cannot remove the files an upload of the same bytes is storing (and about to commit an item
   * for), and an upload cannot reuse files a delete is removing.
   */
  async lockHash(hash: string, manager: EntityManager): Promise<void> {
    await manager.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [hash]);
  }

  /** Whether another item still has files under this hash. */
  async hashInUse(hash: string, manager?: EntityManager): Promise<boolean> {
    return this.manager(manager).exists(MediaItem, { where: { hash } });
  }
}
