import type { StaffMember } from '../utils/staff.js';
import type { TestApp } from '../utils/test-app.js';
import { bodyOf, creatorOf } from './requests.js';

export const ADMIN_TESTIMONIALS = '/api/v1/admin/testimonials';
export const TESTIMONIAL_SUBMISSIONS = '/api/v1/testimonials/submissions';

/** A valid public submission (`POST /testimonials/submissions`); `undefined` overrides drop a field. */
export function testimonialSubmission(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    quote: 'Our sessions helped us listen before we answer.',
    firstName: 'Ivette',
    lastName: 'Brennan',
    service: 'couples-therapy',
    rating: 5,
    consent: true,
    consentTextVersion: '2026-01',
    ...overrides,
  };
}

/** A valid staff entry (`POST /admin/testimonials`), consent on a signed form; `undefined` overrides drop a field. */
export function testimonialEntry(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    quote: 'The evening appointments made it possible for me to keep going.',
    firstName: 'Jim',
    lastName: 'Marlowe',
    service: 'individual-therapy',
    rating: 4,
    source: 'in-person',
    consent: { givenAt: '2026-11-18T16:00:00Z', textVersion: '2026-01', method: 'signed-form' },
    ...overrides,
  };
}

/** The members of a testimonial the factories' callers use; the rest is there as the API answers it. */
export interface TestimonialJson {
  id: string;
  status: string;
  version: number;
  [field: string]: unknown;
}

/** Enters a pending testimonial through the API as an editor or admin. */
export const createTestimonial = creatorOf<TestimonialJson>(ADMIN_TESTIMONIALS, testimonialEntry);

/** Approves (publishes) a testimonial through the API as `staff` (200 or the test fails). */
export function approveTestimonial(t: TestApp, staff: StaffMember, id: string): Promise<TestimonialJson> {
  return bodyOf(t.http().post(`${ADMIN_TESTIMONIALS}/${id}/approve`).set(staff.auth), 200);
}
