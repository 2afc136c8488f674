import { defineProblems } from '../common/errors/problem-codes.js';

declare module '../common/errors/problem-codes.js' {
  interface FeatureProblems {
    mfa_enrolment_required: true;
  }
}

/** The auth feature's own problem kinds: imported by every file that uses them, so they are defined first. */
export const AUTH_PROBLEMS = defineProblems({
  /** The role requires a second factor (MFA_REQUIRED_ROLES) and the account has none yet: enrol first. */
  mfa_enrolment_required: { status: 403, title: 'Second factor required' },
});
