import { Column, Entity, Index } from 'typeorm';
import { StaffEditedEntity } from '../common/persistence/versioned.entity.js';
import { IMAGE_FORMATS, type ImageFormat } from './image-type.js';
import type { StoredFile } from './media-urls.js';

/**
 * An uploaded image of the media library: its alt text, what was uploaded, and the files made from it (the cleaned
 * original and the responsive variants), which are kept by the MediaStorage under `hash`. Two uploads of the same
 * bytes are two items sharing one hash and one set of files.
 */
@Entity({ name: 'media_items' })
// The admin list: newest first.
@Index('IDX_media_items_created', ['createdAt', 'id'])
@Index('IDX_media_items_hash', ['hash'])
export class MediaItem extends StaffEditedEntity {
  /** The content hash in the files' URLs (see contentHash). */
  @Column({ type: 'varchar', length: 32 })
  hash!: string;

  /** What the picture shows, for screen readers. */
  @Column({ type: 'varchar', length: 250 })
  alt!: string;

  /** The uploaded format, recognised from the bytes. */
  @Column({ type: 'enum', enum: IMAGE_FORMATS, enumName: 'media_format' })
  format!: ImageFormat;

  /** Upright dimensions (after the EXIF orientation). */
  @Column({ type: 'integer' })
  width!: number;

  @Column({ type: 'integer' })
  height!: number;

  /** The upload's size in bytes. */
  @Column({ type: 'integer' })
  uploadBytes!: number;

  @Column({ type: 'jsonb' })
  original!: StoredFile;

  @Column({ type: 'jsonb' })
  variants!: StoredFile[];
}
