import { And, type FindOperator, LessThan, MoreThanOrEqual } from 'typeorm';
import { validationFailed } from './validation-pipe.js';

/**
 * A `from`/`to` filter on a timestamp column, for TypeORM's `where`; undefined when neither is given. Bounds are
 * inclusive at the millisecond precision the API shows: Postgres keeps microseconds, so "at or before `to`" means
 * "before `to` + 1 ms" (a row's own timestamp as `to` includes it). `to` before `from` is a 400 naming `to`.
 */
export function instantRange(from?: string, to?: string): FindOperator<Date> | undefined {
  const start = from ? new Date(from) : undefined;
  const end = to ? new Date(new Date(to).getTime() + 1) : undefined;
  if (start && end && start >= end) {
    throw validationFailed([{ field: 'to', message: 'to must not be earlier than from' }]);
  }
  if (start && end) return And(MoreThanOrEqual(start), LessThan(end));
  if (start) return MoreThanOrEqual(start);
  if (end) return LessThan(end);
  return undefined;
}

/** `{ [column]: range }`, or nothing when there is no range: spread it into a `where`. */
export function withRange<K extends string>(
  column: K,
  range: FindOperator<Date> | undefined,
): Partial<Record<K, FindOperator<Date>>> {
  return range ? ({ [column]: range } as Record<K, FindOperator<Date>>) : {};
}
