import { setFlagsFromString } from 'node:v8';

/**
 * How much V8 lets the old generation grow after each full collection, in percent of what survived it, unless
 * HEAP_GROWING_PERCENT says otherwise. With the default heap size V8's own factor is up to 300 % (4× the live heap)
 * when it expects throughput to matter: under load the API's old generation filled with request garbage up to that
 * limit before the next full collection (288–336 MiB resident on PostgreSQL after the bench's list and detail load,
 * peak 401). At 50 % the same load left 216 MiB (peak 224) at the same throughput (median round ratio 0.99 on list
 * page 1, 1.07 on details; README: Memory).
 */
export const HEAP_GROWING_PERCENT = 50;

/** The largest HEAP_GROWING_PERCENT accepted (src/config/environment.ts validates it with the other variables). */
export const MAX_HEAP_GROWING_PERCENT = 1000;

export const heapGrowthFlag = (percent: number): string => `--heap-growing-percent=${percent}`;

/**
 * Applies the heap growth limit to this process: HEAP_GROWING_PERCENT from `env` (`0`: V8's own behaviour), else
 * HEAP_GROWING_PERCENT. A `--heap-growing-percent` on the command line wins; an invalid variable sets nothing here
 * (the configuration's validation then stops the boot, naming it). V8 reads the flag at every full collection, so
 * setting it at startup, before the app is loaded, is enough; it cannot be given in NODE_OPTIONS, and this way every
 * way of starting the API gets it. Returns the percent applied, or undefined.
 */
export function limitHeapGrowth(
  env: NodeJS.ProcessEnv = process.env,
  execArgv: readonly string[] = process.execArgv,
  set = setFlagsFromString,
): number | undefined {
  if (execArgv.some((arg) => /^--heap[-_]growing[-_]percent\b/.test(arg))) return undefined;
  const given = env.HEAP_GROWING_PERCENT?.trim();
  const percent = given === undefined || given === '' ? HEAP_GROWING_PERCENT : Number(given);
  if (!Number.isInteger(percent) || percent <= 0 || percent > MAX_HEAP_GROWING_PERCENT) return undefined;
  set(heapGrowthFlag(percent));
  return percent;
}
