import type { StaffMember } from '../utils/staff.js';
import type { TestApp } from '../utils/test-app.js';
import { bodyOf } from './requests.js';

export const ADMIN_HOURS = '/api/v1/admin/hours';

/** A valid `PUT /admin/hours/{key}` body: a New York line open on weekdays, 09:00 to 21:00. */
export function scheduleBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: 'Text line',
    timeZone: 'America/New_York',
    periods: ['monday', 'tuesday', 'wednesday', 'thursday', 'friday'].map((day) => ({
      day,
      opens: '09:00',
      closes: '21:00',
    })),
    ...overrides,
  };
}

/** Creates the schedule `key` through the API as `staff` (201 or the test fails). */
export function createSchedule(
  t: TestApp,
  staff: StaffMember,
  key: string,
  overrides: Record<string, unknown> = {},
): Promise<{ id: string; key: string; [field: string]: unknown }> {
  return bodyOf(t.http().put(`${ADMIN_HOURS}/${key}`).set(staff.auth).send(scheduleBody(overrides)), 201);
}
