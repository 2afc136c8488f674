import type { EntityManager, EntityTarget, SelectQueryBuilder } from 'typeorm';

/** The columns an outbox row is claimed by (webhook deliveries, emails). */
export interface LeasedRow {
  id: string;
  attempts: number;
  lockedUntil: Date | null;
  lastAttemptAt: Date | null;
  nextAttemptAt: Date;
}

/**
 * Claims up to `limit` due pending rows of an outbox that no live lease holds, oldest due first, in ONE statement
 * (atomic on its own, or part of the caller's transaction when `m` is one's): `FOR UPDATE SKIP LOCKED` picks them
 * (concurrent claimers take other rows), and the same statement counts the attempt and leases them until
 * `lockedUntil`. The attempt number then fences the outcome's update. `narrow` adds conditions (joins) to the query
 * whose alias is `alias`.
 */
export async function claimLeased<E extends LeasedRow>(
  m: EntityManager,
  target: EntityTarget<E>,
  alias: string,
  { now, lockedUntil, limit }: { now: Date; lockedUntil: Date; limit: number },
  narrow: (query: SelectQueryBuilder<E>) => SelectQueryBuilder<E> = (query) => query,
): Promise<E[]> {
  const metadata = m.connection.getMetadata(target);
  const driver = m.connection.driver;
  const [due, params] = narrow(m.createQueryBuilder(target, alias))
    .select(`${alias}.id`, 'id')
    .andWhere(`${alias}.status = :pending`, { pending: 'pending' })
    .andWhere(`${alias}.nextAttemptAt <= :now`, { now })
    .andWhere(`(${alias}.lockedUntil IS NULL OR ${alias}.lockedUntil <= :now)`, { now })
    .orderBy(`${alias}.nextAttemptAt`, 'ASC')
    .addOrderBy(`${alias}.id`, 'ASC')
    .limit(limit)
    .setLock('pessimistic_write', undefined, [alias])
    .setOnLocked('skip_locked')
    .getQueryAndParameters();
  const table = driver.escape(metadata.tablePath);
  const leased = params.length + 1;
  const attempted = params.length + 2;
  // MATERIALIZED: the locking query runs once, as written, whatever the planner would make of it inlined. The
  // UPDATE in a CTE of its own: TypeORM answers a bare UPDATE … RETURNING as [rows, count].
  const raw = await m.query<Record<string, unknown>[]>(
    `WITH due AS MATERIALIZED (${due}),
     claimed AS (
       UPDATE ${table} t SET attempts = t.attempts + 1, locked_until = $${leased}, last_attempt_at = $${attempted}
         FROM due WHERE t.id = due.id
       RETURNING t.*)
     SELECT * FROM claimed`,
    [...(params as unknown[]), lockedUntil, now],
  );
  const rows = raw.map((row) => {
    const entity = metadata.create() as E;
    for (const column of metadata.columns) {
      if (column.databaseName in row) {
        column.setEntityValue(entity, driver.prepareHydratedValue(row[column.databaseName], column));
      }
    }
    return entity;
  });
  // Oldest due first, as they were picked (an UPDATE answers in no particular order).
  return rows.sort((a, b) => dueAt(a) - dueAt(b) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

const dueAt = (row: LeasedRow): number => row.nextAttemptAt.getTime();
