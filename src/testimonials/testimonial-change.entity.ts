import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import type { TestimonialFeedView } from './testimonial-content.js';

export const CHANGE_OPS = ['upsert', 'delete'] as const;
export type ChangeOp = (typeof CHANGE_OPS)[number];

/**
 * The integrations' change feed of the public testimonial set, in commit order (see TestimonialChangeFeed).
 * No foreign key: the delete of a removed testimonial outlives its row.
 */
@Entity({ name: 'testimonial_changes' })
@Index('IDX_testimonial_changes_testimonial', ['testimonialId'])
export class TestimonialChange {
  /** Allocated under the feed's table lock, so its order is the commit order (cache 1: the default). */
  @PrimaryGeneratedColumn('increment', { type: 'bigint' })
  seq!: string;

  @Column({ type: 'enum', enum: CHANGE_OPS, enumName: 'testimonial_change_op' })
  op!: ChangeOp;

  @Column({ type: 'uuid' })
  testimonialId!: string;

  @Column({ type: 'timestamptz' })
  changedAt!: Date;

  /** The public representation after an upsert; null for a delete. */
  @Column({ type: 'jsonb', nullable: true })
  testimonial!: TestimonialFeedView | null;
}
