import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Clock } from '../common/clock/clock.js';
import { validationFailed } from '../common/validation/validation-pipe.js';
import type { ChangeOp, TestimonialChange } from './testimonial-change.entity.js';
import { feedView, publicChange, type TestimonialFeedView } from './testimonial-content.js';
import type { Testimonial } from './testimonial.entity.js';
import { TestimonialsRepository } from './testimonials.repository.js';

const CURSOR_KIND = 'testimonial-changes';

/** An opaque position in the feed: base64url JSON of the last sequence number the client has seen. */
export function encodeFeedCursor(seq: number): string {
  return Buffer.from(JSON.stringify([CURSOR_KIND, seq])).toString('base64url');
}

/** The sequence number inside a cursor, or a 400 naming `cursor`. */
export function decodeFeedCursor(value: string): number {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(value, 'base64url').toString('utf8'));
  } catch {
    parsed = undefined;
  }
  if (
    !Array.isArray(parsed) ||
    parsed.length !== 2 ||
    parsed[0] !== CURSOR_KIND ||
    !Number.isSafeInteger(parsed[1]) ||
    (parsed[1] as number) < 0
  ) {
    throw validationFailed([{ field: 'cursor', message: 'cursor is not a cursor of this feed' }]);
  }
  return parsed[1] as number;
}

export interface FeedChange {
  seq: number;
  op: ChangeOp;
  id: string;
  changedAt: Date;
  testimonial: TestimonialFeedView | null;
}

/**
 * The change feed of the public testimonial set, read by integrations with `seq > cursor`.
 *
 * Why not a plain sequence or `updated_at`: both are assigned before commit, so a transaction that takes seq 5
 * and commits after another one's seq 6 becomes visible after a poller has already moved its cursor past 6, and
 * seq 5 is skipped for good. Here every append first takes `SHARE ROW EXCLUSIVE` on the feed table, a lock that
 * conflicts with itself and with the inserts of other writers, and holds it until commit. Sequence numbers are
 * therefore allocated in the same order in which the appending transactions commit: a poller can see seq N only
 * once every lower number has committed or rolled back (a rolled-back number is a gap that never fills), so
 * `seq > cursor` never misses a change. Readers are not blocked (plain SELECTs take ACCESS SHARE), and writers
 * queue only for the append itself, which is the last statement of their transaction. Testimonial moderation
 * is a handful of writes a day, so serializing them costs nothing that matters.
 *
 * Withdrawal must reach partner sites and leave no words behind: a delete removes the earlier upserts of the
 * same testimonial (their snapshots hold its quote). A poller past them lost nothing; one before them gets only
 * the delete, which is the current truth.
 */
@Injectable()
export class TestimonialChangeFeed {
  constructor(
    private readonly testimonials: TestimonialsRepository,
    private readonly clock: Clock,
  ) {}

  /**
   * Records what a change did to the public set, given the testimonial's public view before it (undefined
   * when it was not public). Call it last in the writer's transaction: the feed lock is held until commit.
   */
  async record(manager: EntityManager, before: TestimonialFeedView | undefined, after: Testimonial): Promise<void> {
    const op = publicChange(before, after);
    if (op) await this.append(manager, op, after.id, op === 'upsert' ? feedView(after) : null);
  }

  /** A testimonial that was public is gone (deleted). */
  async removed(manager: EntityManager, id: string): Promise<void> {
    await this.append(manager, 'delete', id, null);
  }

  private append(
    manager: EntityManager,
    op: ChangeOp,
    testimonialId: string,
    testimonial: TestimonialFeedView | null,
  ): Promise<void> {
    return this.testimonials.appendChange({ op, testimonialId, testimonial, changedAt: this.clock.now() }, manager);
  }

  /** Up to `limit` changes after `cursor` (0: from the beginning), oldest first. */
  async changesAfter(cursor: number, limit: number): Promise<{ changes: FeedChange[]; hasMore: boolean }> {
    const rows = await this.testimonials.changesAfter(cursor, limit + 1);
    return { changes: rows.slice(0, limit).map(toChange), hasMore: rows.length > limit };
  }

  /** The public set and the feed position it corresponds to (see TestimonialsRepository.snapshot). */
  snapshot(): Promise<{ testimonials: Testimonial[]; seq: number }> {
    return this.testimonials.snapshot();
  }
}

function toChange(row: TestimonialChange): FeedChange {
  return {
    seq: Number(row.seq),
    op: row.op,
    id: row.testimonialId,
    changedAt: row.changedAt,
    testimonial: row.testimonial,
  };
}
