import type { EntityManager } from 'typeorm';
import type { Purge, PurgeContext, PurgeOutcome } from '../common/feature/purge.js';

export type PurgeResults = Record<string, PurgeOutcome>;

/** Runs every purge in one transaction on `on`'s connection, in order: all of them take effect, or none. */
export function runPurges(on: EntityManager, purges: readonly Purge[], context: PurgeContext): Promise<PurgeResults> {
  return on.transaction(async (manager) => {
    const results: PurgeResults = {};
    for (const purge of purges) results[purge.name] = await purge.run(manager, context);
    return results;
  });
}

/** One line for the log and the terminal. */
export function describePurges(results: PurgeResults): string {
  const parts = Object.values(results).map((outcome) => outcome.summary);
  return parts.length ? `${parts.join('; ')}.` : 'nothing to purge.';
}
