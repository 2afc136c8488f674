import { randomBytes } from 'node:crypto';

/**
 * Eight random hex characters: for values a shared database holds once (emails, slugs, keys), so that suites
 * running side by side, and one suite run twice on the same database, never collide.
 */
export const suffix = (): string => randomBytes(4).toString('hex');
