import type { EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';
import { preparedStatement } from './prepared-statements.js';

/**
 * A row to insert: an entity's class and its values as the application holds them (column transformers, JSON and
 * dates are converted as TypeORM converts them). Values left undefined take the column's database default.
 */
export interface PendingRow<E extends ObjectLiteral = ObjectLiteral> {
  target: EntityTarget<E>;
  values: Partial<E>;
}

export function pendingRow<E extends ObjectLiteral>(target: EntityTarget<E>, values: Partial<E>): PendingRow<E> {
  return { target, values };
}

/**
 * A SQL condition for `insertTogether`'s `onlyIf`, written by the repository that owns it: `param` adds a value to the
 * statement's parameters and answers its placeholder (`$7`).
 */
export type SqlCondition = (param: (value: unknown) => string) => string;

export interface InsertTogetherOptions {
  unlessFirstExists?: boolean;
  /** Nothing is inserted unless this holds, evaluated in the same statement (see `insertTogether`). */
  onlyIf?: SqlCondition;
}

/**
 * Inserts every row in ONE statement (data-modifying CTEs): one round trip to the database, and atomic on its own,
 * without BEGIN and COMMIT around it — all rows are stored or none (a constraint violation in any fails them all).
 * Rows referring to one another by foreign key may go together: those checks run at the end of the statement.
 *
 * With `unlessFirstExists`, the first row is inserted `ON CONFLICT DO NOTHING` and the others only when it was: a
 * claim (an idempotency key, say) and what it guards, at once. Returns false when the first row existed (nothing was
 * inserted then); a concurrent uncommitted insert of the same key makes the statement wait for its transaction.
 *
 * With `onlyIf`, the first row is inserted only when the condition holds, and the others only when it was: a check of
 * what the rows name (a published record, say) that costs no round trip of its own. Returns false when it did not hold
 * (or, with `unlessFirstExists`, the first row existed: the caller tells the two apart).
 */
export async function insertTogether(
  manager: EntityManager,
  rows: readonly PendingRow[],
  options: InsertTogetherOptions = {},
): Promise<boolean> {
  if (rows.length === 0) return true;
  const driver = manager.connection.driver;
  const values: unknown[] = [];
  /** Adds a value to the statement's parameters and answers its placeholder. */
  const param = (value: unknown): string => {
    values.push(value);
    return `$${values.length}`;
  };
  const dependent = options.unlessFirstExists === true || options.onlyIf !== undefined;
  const ctes = rows.map((row, i) => {
    const metadata = manager.connection.getMetadata(row.target);
    const columns = metadata.columns.filter(
      (column) => !column.isVirtual && column.getEntityValue(row.values) !== undefined,
    );
    const names = columns.map((column) => driver.escape(column.databaseName)).join(', ');
    const params = columns
      .map((column) => param(driver.preparePersistentValue(column.getEntityValue(row.values), column)))
      .join(', ');
    const table = driver.escape(metadata.tablePath);
    if (i === 0) {
      const onConflict = options.unlessFirstExists ? ' ON CONFLICT DO NOTHING' : '';
      const source = options.onlyIf ? `SELECT ${params} WHERE ${options.onlyIf(param)}` : `VALUES (${params})`;
      return `r0 AS (INSERT INTO ${table} (${names}) ${source}${onConflict} RETURNING 1 AS inserted)`;
    }
    return dependent
      ? `r${i} AS (INSERT INTO ${table} (${names}) SELECT ${params} FROM r0)`
      : `r${i} AS (INSERT INTO ${table} (${names}) VALUES (${params}))`;
  });
  // Its shape depends only on the rows' tables and filled columns: prepared once per connection (DB_PREPARED_STATEMENTS).
  const result = await manager.query<{ inserted: number }[]>(
    preparedStatement(`WITH ${ctes.join(',\n')}\nSELECT count(*)::int AS inserted FROM r0`),
    values,
  );
  return result[0].inserted > 0;
}
