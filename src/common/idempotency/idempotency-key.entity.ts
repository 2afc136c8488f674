import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * A client's `Idempotency-Key` and the response it produced, so a retry replays it. Stored in the same transaction
 * as the change, so a key exists exactly when its change does. Responses stored here must not hold personal data.
 */
@Entity({ name: 'idempotency_keys' })
@Index('IDX_idempotency_keys_expires', ['expiresAt'])
export class IdempotencyKey {
  /** Which operation the key belongs to (`contact-requests.create`). */
  @PrimaryColumn({ type: 'varchar', length: 60 })
  scope!: string;

  /** HMAC of (client, Idempotency-Key): the key is the client's own, and neither it nor the client is stored. */
  @PrimaryColumn({ type: 'varchar', length: 255 })
  key!: string;

  /** SHA-256 of the canonical request body: the same key with another body is refused. */
  @Column({ type: 'char', length: 64 })
  requestHash!: string;

  @Column({ type: 'smallint' })
  responseStatus!: number;

  @Column({ type: 'jsonb' })
  responseBody!: unknown;

  @Column({ type: 'timestamptz' })
  createdAt!: Date;

  @Column({ type: 'timestamptz' })
  expiresAt!: Date;
}
