import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * A file of the media library kept in the database (the default storage: it works on the embedded database and is
 * backed up with the data). With MEDIA_DIR set the files live in that directory instead and this table stays empty.
 */
@Entity({ name: 'media_files' })
export class MediaFile {
  @PrimaryColumn({ type: 'varchar', length: 32 })
  hash!: string;

  /** `<width>.<ext>` or `original.<ext>`. */
  @PrimaryColumn({ type: 'varchar', length: 32 })
  name!: string;

  @Column({ type: 'bytea' })
  data!: Buffer;
}
