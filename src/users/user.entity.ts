import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { ROLES, type Role } from '../common/access/roles.js';
import type { NotificationChoices } from './notification-preferences.js';

@Entity({ name: 'users' })
export class User {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  /** Stored lower-cased and trimmed, so the unique index makes emails unique case-insensitively. */
  @Column({ type: 'varchar', length: 254, unique: true })
  email!: string;

  @Column({ type: 'varchar', length: 100 })
  displayName!: string;

  @Column({ type: 'enum', enum: ROLES, enumName: 'user_role' })
  role!: Role;

  @Column({ type: 'boolean', default: true })
  active!: boolean;

  @Column({ type: 'varchar', length: 255 })
  passwordHash!: string;

  /** Bumped when the password, role or active flag changes: tokens carrying an older value stop working. */
  @Column({ type: 'integer', default: 0 })
  tokenVersion!: number;

  @Column({ type: 'timestamptz', nullable: true })
  lastLoginAt!: Date | null;

  /** The email notices this user switched on or off; the others follow the role's default (notification-preferences.ts). */
  @Column({ type: 'jsonb', default: {} })
  notificationPreferences!: NotificationChoices;

  /**
   * The TOTP secret (base32), encrypted with the data key (DataCipher, context `users.totp_secret:<id>`): set at
   * enrolment, in use once `totpEnabledAt` is set.
   */
  @Column({ type: 'text', nullable: true })
  totpSecretCipher!: string | null;

  /** When the second factor was confirmed; null: none (an enrolment may be pending). */
  @Column({ type: 'timestamptz', nullable: true })
  totpEnabledAt!: Date | null;

  /** The time step (30 s) of the last code accepted: a code is accepted once, so never at or before it again. */
  @Column({ type: 'integer', nullable: true })
  totpLastStep!: number | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt!: Date;
}
