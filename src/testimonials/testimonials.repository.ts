import { Injectable } from '@nestjs/common';
import { SERVICE_TAKEN_BY_PUBLIC_FORMS } from '../services/index.js';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  DataSource,
  type DeepPartial,
  type EntityManager,
  type FindOptionsOrder,
  type FindOptionsWhere,
  In,
  MoreThan,
} from 'typeorm';
import type { SortTerm } from '../common/pagination/sort.js';
import { VersionedRepository } from '../common/persistence/versioned.repository.js';
import { TestimonialChange } from './testimonial-change.entity.js';
import { Testimonial, type TestimonialStatus } from './testimonial.entity.js';

/** Staff's list filters, combined; an absent one does not filter. */
export interface TestimonialFilter {
  status?: TestimonialStatus;
  /** A service's slug. */
  service?: string;
  featured?: boolean;
  spam?: boolean;
}

/** The public list's filters: the public set is the approved testimonials. */
export type PublicTestimonialFilter = Pick<TestimonialFilter, 'service' | 'featured'>;

/** An entry of the integrations' change feed, before the feed numbers it. */
export type NewTestimonialChange = Pick<TestimonialChange, 'op' | 'testimonialId' | 'testimonial' | 'changedAt'>;

/** The public order (the website's list and the integrations' snapshot): featured first, the staff's order, newest. */
const PUBLIC_ORDER = { featured: 'DESC', sortOrder: 'ASC', approvedAt: 'DESC', id: 'ASC' } as const;

/**
 * Every query of the testimonial aggregate: the testimonials and the integrations' change feed of the public set
 * (whose rules are TestimonialChangeFeed's).
 */
@Injectable()
export class TestimonialsRepository extends VersionedRepository<Testimonial> {
  readonly noun = 'testimonial';

  constructor(@InjectDataSource() dataSource: DataSource) {
    super(dataSource, Testimonial);
  }

  /** One page of testimonials in any status matching `filter`, in `sort` order (ties by id), and how many match. */
  findPage(
    filter: TestimonialFilter,
    sort: readonly SortTerm<Extract<keyof Testimonial, string>>[],
    window: { skip: number; take: number },
    manager?: EntityManager,
  ): Promise<[Testimonial[], number]> {
    const order: FindOptionsOrder<Testimonial> = Object.fromEntries([
      ...sort.map((term): [string, 'ASC' | 'DESC'] => [term.field, term.direction]),
      ['id', 'ASC'],
    ]);
    return this.manager(manager).findAndCount(Testimonial, { where: whereOf(filter), order, ...window });
  }

  /** One page of the public set matching `filter`, in the public order, and how many match. */
  findPublicPage(
    filter: PublicTestimonialFilter,
    window: { skip: number; take: number },
    manager?: EntityManager,
  ): Promise<[Testimonial[], number]> {
    return this.manager(manager).findAndCount(Testimonial, {
      where: whereOf({ ...filter, status: 'approved' }),
      order: PUBLIC_ORDER,
      ...window,
    });
  }

  /**
   * Whether the public form may name this service: published, or a former enum value (SERVICE_TAKEN_BY_PUBLIC_FORMS).
   * The row is share-locked until the transaction ends, so an unpublish (or a delete) waits for the insert to commit.
   */
  async serviceTakenByPublicForm(slug: string, manager: EntityManager): Promise<boolean> {
    const rows = await manager.query<unknown[]>(
      `SELECT 1 FROM services WHERE slug = $1 AND ${SERVICE_TAKEN_BY_PUBLIC_FORMS} FOR SHARE`,
      [slug],
    );
    return rows.length > 0;
  }

  /** Saves a new testimonial; the columns' defaults (status, version…) fill what `fields` leaves out. */
  insert(fields: DeepPartial<Testimonial>, manager?: EntityManager): Promise<Testimonial> {
    const m = this.manager(manager);
    return m.save(m.create(Testimonial, fields));
  }

  /**
   * The testimonials with these ids that exist, locked until the transaction ends, in id order: two transactions
   * locking overlapping sets queue one behind the other instead of deadlocking.
   */
  findManyForUpdate(ids: readonly string[], manager: EntityManager): Promise<Testimonial[]> {
    return manager.find(Testimonial, {
      where: { id: In(ids) },
      order: { id: 'ASC' },
      lock: { mode: 'pessimistic_write' },
    });
  }

  async delete(id: string, manager?: EntityManager): Promise<void> {
    await this.manager(manager).delete(Testimonial, { id });
  }

  /**
   * The one way into the change feed: take the feed's lock, held until commit (so that sequence numbers follow the
   * commit order: see TestimonialChangeFeed), remove the earlier upserts of a deleted testimonial, append. Call it
   * last in the transaction.
   */
  async appendChange(change: NewTestimonialChange, manager: EntityManager): Promise<void> {
    await manager.query('LOCK TABLE testimonial_changes IN SHARE ROW EXCLUSIVE MODE');
    if (change.op === 'delete') {
      await manager.delete(TestimonialChange, { testimonialId: change.testimonialId, op: 'upsert' });
    }
    await manager.insert(TestimonialChange, change);
  }

  /** Up to `take` feed entries after position `seq`, oldest first. */
  changesAfter(seq: number, take: number, manager?: EntityManager): Promise<TestimonialChange[]> {
    return this.manager(manager).find(TestimonialChange, {
      where: { seq: MoreThan(String(seq)) },
      order: { seq: 'ASC' },
      take,
    });
  }

  /**
   * The public set in the public order and the feed position it corresponds to, read in one snapshot: resuming
   * the feed from that position neither misses nor repeats a change.
   */
  snapshot(): Promise<{ testimonials: Testimonial[]; seq: number }> {
    return this.dataSource.transaction('REPEATABLE READ', async (manager) => {
      const [{ seq }] = await manager.query<{ seq: string }[]>(
        'SELECT coalesce(max(seq), 0) AS seq FROM testimonial_changes',
      );
      const testimonials = await manager.find(Testimonial, { where: { status: 'approved' }, order: PUBLIC_ORDER });
      return { testimonials, seq: Number(seq) };
    });
  }
}

function whereOf(filter: TestimonialFilter): FindOptionsWhere<Testimonial> {
  return Object.fromEntries(Object.entries(filter).filter(([, value]) => value !== undefined));
}
