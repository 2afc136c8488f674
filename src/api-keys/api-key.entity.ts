import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import type { ApiKeyScope } from '../common/access/scopes.js';
import { User } from '../users/index.js';

@Entity({ name: 'api_keys' })
export class ApiKey {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'varchar', length: 100 })
  name!: string;

  /** The first characters of the secret, shown in listings so staff can recognise a key. */
  @Column({ type: 'varchar', length: 16 })
  prefix!: string;

  /** SHA-256 of the secret: the secret itself is shown once and never stored. */
  @Index({ unique: true })
  @Column({ type: 'char', length: 64 })
  secretHash!: string;

  @Column({ type: 'text', array: true })
  scopes!: ApiKeyScope[];

  /**
   * The admin who created it. Keys belong to the clinic, not to that person: deleting the account leaves its keys
   * working (no foreign key), and the listing shows the creator as deleted.
   */
  @Column({ type: 'uuid', nullable: true })
  createdBy!: string | null;

  /** The creator's account, when it still exists (loaded by the repository's reads). */
  @ManyToOne(() => User, { createForeignKeyConstraints: false, nullable: true })
  @JoinColumn({ name: 'created_by' })
  creator?: User | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @Column({ type: 'timestamptz', nullable: true })
  lastUsedAt!: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  expiresAt!: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  revokedAt!: Date | null;
}
