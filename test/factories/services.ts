import { createStaff, type StaffMember } from '../utils/staff.js';
import type { TestApp } from '../utils/test-app.js';
import { bodyOf, creatorOf } from './requests.js';

export const ADMIN_SERVICES = '/api/v1/admin/services';
export const SERVICES = '/api/v1/services';

/** A valid service (`POST /admin/services`), published; `undefined` overrides drop a field. */
export function serviceBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    slug: 'art-therapy',
    name: 'Art therapy',
    description: 'Drawing and painting as a way **into** what is hard to say.',
    audiences: ['children', 'teens'],
    formats: ['in_person'],
    sessionLengthMinutes: 50,
    fee: { min: 120, max: 150, currency: 'USD', slidingScale: { min: 70, note: 'By income.' } },
    insuranceAccepted: ['Aetna'],
    published: true,
    sortOrder: 5,
    ...overrides,
  };
}

export interface ServiceJson {
  id: string;
  slug: string;
  version: number;
}

export const createService = creatorOf<ServiceJson>(ADMIN_SERVICES, serviceBody);

/**
 * The services the default contact-request and testimonial bodies name (`contactRequestBody`, `testimonialSubmission`,
 * `testimonialEntry`): two of the five the ServicesDirectory migration creates, hidden. Public forms take published
 * services only, so a suite that submits them publishes them first (`publishServices`).
 */
export const FORM_SERVICES = ['individual-therapy', 'couples-therapy'] as const;

/**
 * Publishes these services (by slug) through the admin API as `staff` (an editor or admin; a new editor when not
 * given), leaving published ones as they are. Without If-Match, so that suites sharing the run's database may do it
 * at the same time.
 */
export async function publishServices(
  t: TestApp,
  staff?: StaffMember,
  slugs: readonly string[] = FORM_SERVICES,
): Promise<void> {
  staff ??= await createStaff(t, 'editor');
  const list = t.http().get(ADMIN_SERVICES).set(staff.auth).query({ pageSize: 100 });
  const { data } = await bodyOf<{ data: { id: string; slug: string; published: boolean }[] }>(list, 200);
  for (const slug of slugs) {
    const service = data.find((s) => s.slug === slug);
    if (!service) throw new Error(`no service ${slug} to publish`);
    if (service.published) continue;
    await bodyOf(t.http().patch(`${ADMIN_SERVICES}/${service.id}`).set(staff.auth).send({ published: true }), 200);
  }
}
