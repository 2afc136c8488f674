import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { User } from './user.entity.js';

/**
 * One sign-in and what it may still do: its access tokens name it (`sid`), its refresh tokens rotate within it (the
 * "family" of a login). Ended by sign-out, by its owner or an admin, by a password or role change, or by reuse of a
 * refresh token already used. Holds no IP address, only its /24 (IPv4) or /48 (IPv6) network.
 */
@Entity({ name: 'user_sessions' })
@Index('IDX_user_sessions_user', ['userId', 'createdAt'])
@Index('IDX_user_sessions_expires', ['expiresAt'])
export class UserSession {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'uuid' })
  userId!: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: User;

  /** `Firefox on Linux`: a hint from the User-Agent, never the header itself. */
  @Column({ type: 'varchar', length: 60 })
  device!: string;

  /** `192.0.2.0/24`, `2001:db8:1::/48`: enough to recognize a place, not a person. */
  @Column({ type: 'varchar', length: 50, nullable: true })
  ipPrefix!: string | null;

  /** By the app's clock, like every time of a session. */
  @Column({ type: 'timestamptz' })
  createdAt!: Date;

  @Column({ type: 'timestamptz' })
  lastUsedAt!: Date;

  /** Refreshing moves it forward by REFRESH_TOKEN_TTL, never past SESSION_MAX_AGE after the sign-in. */
  @Column({ type: 'timestamptz' })
  expiresAt!: Date;

  @Column({ type: 'timestamptz', nullable: true })
  revokedAt!: Date | null;

  /** `logout`, `ended`, `refresh_reused`, `password_changed`, `role_changed`, `deactivated`, `admin`, `password_reset`. */
  @Column({ type: 'varchar', length: 40, nullable: true })
  revokedReason!: string | null;
}

/**
 * A refresh token of a session, by its SHA-256 digest (the token itself is never stored). Each is used once: using it
 * marks it and makes the next; presenting one already used ends the whole session (it was copied).
 */
@Entity({ name: 'refresh_tokens' })
export class RefreshToken {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'uuid' })
  @Index('IDX_refresh_tokens_session')
  sessionId!: string;

  @ManyToOne(() => UserSession, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'session_id' })
  session?: UserSession;

  @Column({ type: 'char', length: 64, unique: true })
  tokenHash!: string;

  @Column({ type: 'timestamptz', nullable: true })
  usedAt!: Date | null;

  @Column({ type: 'timestamptz' })
  createdAt!: Date;
}
