import type { EntityManager, EntityTarget, SelectQueryBuilder } from 'typeorm';

/** The columns an outbox row is claimed by (webhook deliveries, emails). */
export interface LeasedRow {
  id: string;
  attempts: number;
  lockedUntil: Date | null;
  lastAttemptAt: Date | null;
}

/**
 * Claims up to `limit` due pending rows of an outbox that no live lease holds, oldest due first, in the caller's
 * transaction: `FOR UPDATE SKIP LOCKED` (concurrent claimers take other rows), then counts the attempt and leases
 * them until `lockedUntil`. The attempt number then fences the outcome's update. `narrow` adds conditions (joins)
 * to the query whose alias is `alias`.
 */
export async function claimLeased<E extends LeasedRow>(
  m: EntityManager,
  target: EntityTarget<E>,
  alias: string,
  { now, lockedUntil, limit }: { now: Date; lockedUntil: Date; limit: number },
  narrow: (query: SelectQueryBuilder<E>) => SelectQueryBuilder<E> = (query) => query,
): Promise<E[]> {
  const due = await narrow(m.createQueryBuilder(target, alias))
    .andWhere(`${alias}.status = :pending`, { pending: 'pending' })
    .andWhere(`${alias}.nextAttemptAt <= :now`, { now })
    .andWhere(`(${alias}.lockedUntil IS NULL OR ${alias}.lockedUntil <= :now)`, { now })
    .orderBy(`${alias}.nextAttemptAt`, 'ASC')
    .addOrderBy(`${alias}.id`, 'ASC')
    .limit(limit)
    .setLock('pessimistic_write', undefined, [alias])
    .setOnLocked('skip_locked')
    .getMany();
  if (due.length === 0) return [];
  await m
    .createQueryBuilder()
    .update(target)
    .set({ attempts: () => 'attempts + 1', lockedUntil, lastAttemptAt: now } as never)
    .whereInIds(due.map((d) => d.id))
    .execute();
  return due.map((d) => Object.assign(d, { attempts: d.attempts + 1, lockedUntil, lastAttemptAt: now }));
}
