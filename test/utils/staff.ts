import { randomBytes } from 'node:crypto';
import { TokenService } from '../../src/auth/token.service.js';
import type { Role } from '../../src/common/access/roles.js';
import { hashPassword } from '../../src/users/password.js';
import type { User } from '../../src/users/user.entity.js';
import { UsersRepository } from '../../src/users/users.repository.js';
import type { TestApp } from './test-app.js';

export interface StaffMember {
  user: User;
  email: string;
  password: string;
  token: string;
  /** `{ Authorization: 'Bearer …' }` */
  auth: { Authorization: string };
}

/**
 * A staff account with a unique email, created directly in the database (no audit event, so tests that read the
 * audit log see only what they did), and a token for it.
 */
export async function createStaff(t: TestApp, role: Role, overrides: { email?: string } = {}): Promise<StaffMember> {
  const suffix = randomBytes(4).toString('hex');
  const email = overrides.email ?? `${role}-${suffix}@wellclinic.test`;
  const password = `calm-harbor-${suffix}-lantern`;
  const user = await t.app.get(UsersRepository).insert({
    email,
    passwordHash: await hashPassword(password),
    displayName: `Test ${role} ${suffix}`,
    role,
  });
  const token = await t.app.get(TokenService).issue(user);
  return { user, email, password, token, auth: { Authorization: `Bearer ${token}` } };
}
