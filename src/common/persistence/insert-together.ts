import type { EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';

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
 * Inserts every row in ONE statement (data-modifying CTEs): one round trip to the database, and atomic on its own,
 * without BEGIN and COMMIT around it — all rows are stored or none (a constraint violation in any fails them all).
 * Rows referring to one another by foreign key may go together: those checks run at the end of the statement.
 *
 * With `unlessFirstExists`, the first row is inserted `ON CONFLICT DO NOTHING` and the others only when it was: a
 * claim (an idempotency key, say) and what it guards, at once. Returns false when the first row existed (nothing was
 * inserted then); a concurrent uncommitted insert of the same key makes the statement wait for its transaction.
 */
export async function insertTogether(
  manager: EntityManager,
  rows: readonly PendingRow[],
  options: { unlessFirstExists?: boolean } = {},
): Promise<boolean> {
  if (rows.length === 0) return true;
  const driver = manager.connection.driver;
  const values: unknown[] = [];
  const ctes = rows.map((row, i) => {
    const metadata = manager.connection.getMetadata(row.target);
    const columns = metadata.columns.filter(
      (column) => !column.isVirtual && column.getEntityValue(row.values) !== undefined,
    );
    const names = columns.map((column) => driver.escape(column.databaseName)).join(', ');
    const params = columns
      .map((column) => {
        values.push(driver.preparePersistentValue(column.getEntityValue(row.values), column));
        return `$${values.length}`;
      })
      .join(', ');
    const table = driver.escape(metadata.tablePath);
    if (i === 0) {
      const onConflict = options.unlessFirstExists ? ' ON CONFLICT DO NOTHING' : '';
      return `r0 AS (INSERT INTO ${table} (${names}) VALUES (${params})${onConflict} RETURNING 1 AS inserted)`;
    }
    return options.unlessFirstExists
      ? `r${i} AS (INSERT INTO ${table} (${names}) SELECT ${params} FROM r0)`
      : `r${i} AS (INSERT INTO ${table} (${names}) VALUES (${params}))`;
  });
  const result = await manager.query<{ inserted: number }[]>(
    `WITH ${ctes.join(',\n')}\nSELECT count(*)::int AS inserted FROM r0`,
    values,
  );
  return result[0].inserted > 0;
}
