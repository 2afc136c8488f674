import { creatorOf } from './requests.js';

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
