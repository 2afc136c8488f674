import { describePurge, type PurgeResult } from './contact-requests.purge.js';

const RESULT: PurgeResult = {
  contactRequests: 5,
  closedOrSpam: 2,
  pastMaxAge: 3,
  openPastMaxAge: 1,
  staleOpen: 4,
  cutoff: '2026-06-09T03:00:00.000Z',
  maxAgeCutoff: '2024-12-06T03:00:00.000Z',
};

describe('describePurge', () => {
  it('says what went, why, and how many open requests are still waiting', () => {
    expect(describePurge(RESULT, { retentionDays: 180, maxAgeDays: 730 })).toBe(
      '5 contact requests deleted (2 closed or spam since before 2026-06-09T03:00:00.000Z; 3 received more than ' +
        '730 days ago, 1 of them still open); 4 open requests are older than 30 days: answer or close them',
    );
  });

  it('speaks of one in the singular', () => {
    const one = { ...RESULT, contactRequests: 1, closedOrSpam: 1, pastMaxAge: 0, openPastMaxAge: 0, staleOpen: 1 };
    expect(describePurge(one, { retentionDays: 180, maxAgeDays: 730 })).toBe(
      '1 contact request deleted (1 closed or spam since before 2026-06-09T03:00:00.000Z; 0 received more than ' +
        '730 days ago, 0 of them still open); 1 open request is older than 30 days: answer or close it',
    );
  });
});
