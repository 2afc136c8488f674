/**
 * Capped counts: a list's `meta.total` exact up to TOTAL_CAP matches, and only a lower bound above (CappedPageMeta,
 * toCappedPage in pagination.ts). Pure, without Nest: the benchmark's bare baseline runs the same SQL.
 */

/**
 * A counted list's `meta.total` is exact up to this many matches; above, it is this number and only a lower bound.
 * Counting every match of a large table on each request is what made such lists slow down as their table grew.
 */
export const TOTAL_CAP = 10_000;

/** How many rows match, up to TOTAL_CAP, and whether there are more (`capped`: `total` is then TOTAL_CAP). */
export interface CappedTotal {
  total: number;
  capped: boolean;
}

/**
 * SQL answering one CappedTotal row (`total`, `capped`) for the rows `matches` finds: a SELECT without LIMIT whose
 * columns do not matter (`SELECT FROM …`). It reads at most TOTAL_CAP + 1 of them, so with an index on the filter its
 * cost is bounded by the cap however many rows match.
 */
export function cappedCountSql(matches: string): string {
  return (
    `SELECT least(count(*), ${TOTAL_CAP})::int AS total, count(*) > ${TOTAL_CAP} AS capped` +
    ` FROM (${matches} LIMIT ${TOTAL_CAP + 1}) m`
  );
}
