import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { AppConfig } from '../config/app-config.js';
import { MediaFile } from './media-file.entity.js';
import { FILE_NAME_PATTERN, HASH_PATTERN } from './media-urls.js';

export interface FileToStore {
  name: string;
  data: Buffer;
}

/**
 * Where the files of the media library are kept, by content hash and name. Chosen once at startup: the database
 * (default) or a directory (MEDIA_DIR). Writes take the caller's transaction, which the database storage joins (a
 * failed upload leaves nothing behind); the directory storage writes at once and is idempotent, since the same hash
 * always names the same bytes. Its removals cannot be rolled back, so they wait for the delete to commit
 * (`transactional` false: see MediaService.remove).
 */
export abstract class MediaStorage {
  abstract readonly kind: 'database' | 'filesystem';
  /** Whether `remove` joins the caller's transaction (rolled back with it) or takes effect at once. */
  abstract readonly transactional: boolean;
  /** Stores the files of `hash`; files it already has are left as they are. */
  abstract save(hash: string, files: readonly FileToStore[], manager: EntityManager): Promise<void>;
  /** A file's bytes, or null when there is no such file. */
  abstract read(hash: string, name: string): Promise<Buffer | null>;
  /** Removes every file of `hash`. */
  abstract remove(hash: string, manager: EntityManager): Promise<void>;
}

/** Hash and name come from URLs and records: anything else could leave the storage's directory or rows. */
function assertSafe(hash: string, name?: string): void {
  if (!HASH_PATTERN.test(hash) || (name !== undefined && !FILE_NAME_PATTERN.test(name))) {
    throw new Error('Not a media file address');
  }
}

/** The files as rows of `media_files` (bytea). */
@Injectable()
export class DatabaseMediaStorage extends MediaStorage {
  readonly kind = 'database';
  readonly transactional = true;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {
    super();
  }

  async save(hash: string, files: readonly FileToStore[], manager: EntityManager): Promise<void> {
    assertSafe(hash);
    for (const file of files) {
      assertSafe(hash, file.name);
      // One row at a time: a batch of a dozen images would be one statement of several megabytes.
      await manager
        .createQueryBuilder()
        .insert()
        .into(MediaFile)
        .values({ hash, name: file.name, data: file.data })
        .orIgnore()
        .execute();
    }
  }

  async read(hash: string, name: string): Promise<Buffer | null> {
    if (!HASH_PATTERN.test(hash) || !FILE_NAME_PATTERN.test(name)) return null;
    const rows = await this.dataSource.query<{ data: Buffer }[]>(
      'SELECT data FROM media_files WHERE hash = $1 AND name = $2',
      [hash, name],
    );
    return rows[0]?.data ?? null;
  }

  async remove(hash: string, manager: EntityManager): Promise<void> {
    assertSafe(hash);
    await manager.delete(MediaFile, { hash });
  }
}

/** The files in a directory: `<MEDIA_DIR>/<hash>/<name>`. */
export class FileSystemMediaStorage extends MediaStorage {
  readonly kind = 'filesystem';
  readonly transactional = false;

  constructor(private readonly dir: string) {
    super();
  }

  async save(hash: string, files: readonly FileToStore[]): Promise<void> {
    assertSafe(hash);
    const folder = join(this.dir, hash);
    await mkdir(folder, { recursive: true });
    for (const file of files) {
      assertSafe(hash, file.name);
      // Written aside, then renamed: a reader never sees half a file.
      const partial = join(folder, `.${file.name}.${process.pid}.partial`);
      await writeFile(partial, file.data);
      await rename(partial, join(folder, file.name));
    }
  }

  async read(hash: string, name: string): Promise<Buffer | null> {
    if (!HASH_PATTERN.test(hash) || !FILE_NAME_PATTERN.test(name)) return null;
    try {
      return await readFile(join(this.dir, hash, name));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
  }

  async remove(hash: string): Promise<void> {
    assertSafe(hash);
    await rm(join(this.dir, hash), { recursive: true, force: true });
  }
}

/** MEDIA_DIR set: the directory; else the database. */
export function mediaStorageFor(config: AppConfig, database: DatabaseMediaStorage): MediaStorage {
  return config.media.dir ? new FileSystemMediaStorage(config.media.dir) : database;
}
