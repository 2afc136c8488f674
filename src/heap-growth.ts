import { setFlagsFromString } from 'node:v8';

/**
 * How much V8 lets the old generation grow after each full collection, in percent of what survived it. V8's own
 * factor is up to 300 % (4× the live heap) when it expects throughput to matter: under load the API's old generation
 * filled with request garbage up to that limit before the next full collection (336 MiB resident on PostgreSQL after
 * the bench's list load, peak 401). At 50 % the same load left 216 MiB (peak 224) at the same throughput (median
 * round ratio 0.99 on list page 1, 1.07 on details; README: Memory).
 */
export const HEAP_GROWING_PERCENT = 50;

export const HEAP_GROWTH_FLAG = `--heap-growing-percent=${HEAP_GROWING_PERCENT}`;

/**
 * Applies HEAP_GROWTH_FLAG to this process, unless it was started with its own `--heap-growing-percent` (which then
 * wins). V8 reads the flag at every full collection, so setting it at startup, before the app is loaded, is enough;
 * it cannot be given in NODE_OPTIONS, and this way every way of starting the API gets it.
 */
export function limitHeapGrowth(execArgv: readonly string[] = process.execArgv, set = setFlagsFromString): boolean {
  if (execArgv.some((arg) => /^--heap[-_]growing[-_]percent\b/.test(arg))) return false;
  set(HEAP_GROWTH_FLAG);
  return true;
}
