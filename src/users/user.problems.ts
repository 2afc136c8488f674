import { defineProblems } from '../common/errors/problem-codes.js';

declare module '../common/errors/problem-codes.js' {
  interface FeatureProblems {
    last_admin: true;
  }
}

/** The users feature's own problem kinds: imported by every file that uses them, so they are defined first. */
export const USER_PROBLEMS = defineProblems({
  /** Deactivating, demoting or deleting the last active admin would lock everyone out. */
  last_admin: { status: 409, title: 'Last active admin' },
});
