import type { DataSource, EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';
import type { ColumnMetadata } from 'typeorm/metadata/ColumnMetadata.js';
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
 * One call's rows, built and not yet sent: its CTEs with markers where the statement puts its parameters' numbers
 * (`\0p1\0`) and its CTEs' names (`\0r0\0`), so that several calls of one shape can go in one statement
 * (`insertUnits`). The template depends only on the rows' tables, their filled columns and the options.
 */
export interface InsertUnit {
  template: string;
  values: unknown[];
}

const MARKER = /\0([pr])(\d+)\0/g;

interface TableOf {
  table: string;
  /** The columns a row can fill, with their escaped names. */
  columns: { column: ColumnMetadata; name: string }[];
}

/** Each entity's table and columns, per data source: looked up and escaped once, not for every row of every call. */
const tables = new WeakMap<DataSource, Map<EntityTarget<ObjectLiteral>, TableOf>>();

function tableOf(manager: EntityManager, target: EntityTarget<ObjectLiteral>): TableOf {
  const connection = manager.connection;
  let known = tables.get(connection);
  if (known === undefined) {
    known = new Map();
    tables.set(connection, known);
  }
  let found = known.get(target);
  if (found === undefined) {
    const metadata = connection.getMetadata(target);
    const driver = connection.driver;
    found = {
      table: driver.escape(metadata.tablePath),
      columns: metadata.columns
        .filter((column) => !column.isVirtual)
        .map((column) => ({ column, name: driver.escape(column.databaseName) })),
    };
    known.set(target, found);
  }
  return found;
}

/** Builds `rows` as a unit (undefined when there are none); see `insertTogether` for what the options do. */
export function insertUnit(
  manager: EntityManager,
  rows: readonly PendingRow[],
  options: InsertTogetherOptions = {},
): InsertUnit | undefined {
  if (rows.length === 0) return undefined;
  const driver = manager.connection.driver;
  const values: unknown[] = [];
  /** Adds a value to the statement's parameters and answers its placeholder. */
  const param = (value: unknown): string => {
    values.push(value);
    return `\0p${values.length}\0`;
  };
  const dependent = options.unlessFirstExists === true || options.onlyIf !== undefined;
  const ctes = rows.map((row, i) => {
    const { table, columns: all } = tableOf(manager, row.target);
    const filled: string[] = [];
    const placeholders: string[] = [];
    for (const { column, name } of all) {
      const value = column.getEntityValue(row.values) as unknown;
      if (value === undefined) continue;
      filled.push(name);
      placeholders.push(param(driver.preparePersistentValue(value, column)));
    }
    const names = filled.join(', ');
    const params = placeholders.join(', ');
    if (i === 0) {
      const onConflict = options.unlessFirstExists ? ' ON CONFLICT DO NOTHING' : '';
      const source = options.onlyIf ? `SELECT ${params} WHERE ${options.onlyIf(param)}` : `VALUES (${params})`;
      return `\0r0\0 AS (INSERT INTO ${table} (${names}) ${source}${onConflict} RETURNING 1 AS inserted)`;
    }
    return dependent
      ? `\0r${i}\0 AS (INSERT INTO ${table} (${names}) SELECT ${params} FROM \0r0\0)`
      : `\0r${i}\0 AS (INSERT INTO ${table} (${names}) VALUES (${params}))`;
  });
  return { template: ctes.join(',\n'), values };
}

/** Statement texts by template and number of units: built once each. */
const texts = new Map<string, Map<number, string>>();
const MAX_TEXTS = 500;

/**
 * The one statement inserting `units` (all of one template): each unit's CTEs under names of their own and its
 * parameters after the previous unit's; it answers, per unit, whether its first row was inserted.
 */
function statementText(template: string, units: number, paramsPerUnit: number): string {
  let bySize = texts.get(template);
  if (bySize === undefined) {
    if (texts.size >= MAX_TEXTS) texts.clear();
    bySize = new Map();
    texts.set(template, bySize);
  }
  let text = bySize.get(units);
  if (text === undefined) {
    const prefix = (unit: number) => (units === 1 ? '' : `u${unit}_`);
    const ctes = Array.from({ length: units }, (_, unit) =>
      template.replace(MARKER, (_match, kind: string, n: string) =>
        kind === 'p' ? `$${unit * paramsPerUnit + Number(n)}` : `${prefix(unit)}r${n}`,
      ),
    );
    const counts = Array.from({ length: units }, (_, unit) => `(SELECT count(*)::int FROM ${prefix(unit)}r0)`);
    text = `WITH ${ctes.join(',\n')}\nSELECT ARRAY[${counts.join(', ')}] AS inserted`;
    bySize.set(units, text);
  }
  return text;
}

/**
 * Sends units of one template in one statement (atomic as a whole: a constraint violation in any stores none) and
 * answers, per unit, what `insertTogether` answers for it.
 */
export async function insertUnits(manager: EntityManager, units: readonly InsertUnit[]): Promise<boolean[]> {
  const [first] = units;
  const text = statementText(first.template, units.length, first.values.length);
  const values = units.length === 1 ? first.values : units.flatMap((unit) => unit.values);
  // Its shape depends only on the template and the number of units: prepared once per connection
  // (DB_PREPARED_STATEMENTS).
  const [row] = await manager.query<{ inserted: number[] }[]>(preparedStatement(text), values);
  return row.inserted.map((count) => count > 0);
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
  const unit = insertUnit(manager, rows, options);
  if (unit === undefined) return true;
  const [inserted] = await insertUnits(manager, [unit]);
  return inserted;
}
