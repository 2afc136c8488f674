import type { Response } from 'supertest';
import type { StaffMember } from '../utils/staff.js';
import type { TestApp } from '../utils/test-app.js';

/** The body of an answer that must have `status`; any other fails the test and shows what the API said instead. */
export async function bodyOf<T>(pending: PromiseLike<Response>, status: number): Promise<T> {
  const res = await pending;
  expect({ status: res.status, text: res.text }).toEqual({ status, text: expect.any(String) });
  return res.body as T;
}

/** Makes records of one collection: `POST path` as a staff member, the body built from overrides; 201 or a failure. */
export function creatorOf<T>(path: string, build: (overrides: Record<string, unknown>) => Record<string, unknown>) {
  return (t: TestApp, staff: StaffMember, overrides: Record<string, unknown> = {}): Promise<T> =>
    bodyOf<T>(t.http().post(path).set(staff.auth).send(build(overrides)), 201);
}
