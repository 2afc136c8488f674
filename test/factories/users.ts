import type { TestApp } from '../utils/test-app.js';
import { bodyOf, creatorOf } from './requests.js';
import { suffix } from './unique.js';

export { createStaff, type StaffMember } from '../utils/staff.js';

export const ADMIN_USERS = '/api/v1/admin/users';
export const LOGIN = '/api/v1/auth/login';
/** A password the policy accepts: long enough, not common, not the email. */
export const STAFF_PASSWORD = 'calm-harbor-lantern-42';

/** A valid `POST /admin/users` body for a front-desk user with a unique email. */
export function userBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    email: `dana-${suffix()}@wellclinic.test`,
    displayName: 'Dana Reyes',
    role: 'frontdesk',
    password: STAFF_PASSWORD,
    ...overrides,
  };
}

/** A user as the API answers it (a type, not an interface, so it passes where a plain record is expected). */
export type UserJson = {
  id: string;
  email: string;
  displayName: string;
  role: string;
  active: boolean;
  lastLoginAt: string | null;
  mfaEnabled: boolean;
  createdAt: string;
  updatedAt: string;
};

/** Creates a user through the API as an admin; its password is `STAFF_PASSWORD` unless overridden. */
export const createUser = creatorOf<UserJson>(ADMIN_USERS, userBody);

export const bearer = (token: string): { Authorization: string } => ({ Authorization: `Bearer ${token}` });

/** Signs in through the API (200 or the test fails) and returns the access token. */
export async function login(t: TestApp, email: string, password: string): Promise<string> {
  return (await bodyOf<{ accessToken: string }>(t.http().post(LOGIN).send({ email, password }), 200)).accessToken;
}
