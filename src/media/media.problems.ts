import { defineProblems } from '../common/errors/problem-codes.js';

declare module '../common/errors/problem-codes.js' {
  interface FeatureProblems {
    media_in_use: true;
  }
}

/** The media library's own problem kinds: imported by every file that uses them, so they are defined first. */
export const MEDIA_PROBLEMS = defineProblems({
  /** Deleting an image that an article (or another feature's record) shows: the problem's `usages` names them. */
  media_in_use: { status: 409, title: 'Media item in use' },
});
