import { Column, CreateDateColumn, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

/**
 * The columns every record that staff change under optimistic locking shares. Its `version` is bumped by every
 * change (VersionedWrites) and exposed as the strong ETag `"v<version>"` (see `@VersionedRepresentation`).
 */
export abstract class VersionedEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  /** Optimistic concurrency: bumped by every change, exposed as the ETag `"v<version>"`. */
  @Column({ type: 'integer', default: 1 })
  version!: number;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt!: Date;
}

/** A versioned record that also stamps which staff member changed it last. */
export abstract class StaffEditedEntity extends VersionedEntity {
  @Column({ type: 'uuid', nullable: true })
  createdBy!: string | null;

  @Column({ type: 'uuid', nullable: true })
  updatedBy!: string | null;
}
