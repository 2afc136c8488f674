import { creatorOf } from './requests.js';

export const ADMIN_LOCATIONS = '/api/v1/admin/locations';
export const LOCATIONS = '/api/v1/locations';

/** A valid location (`POST /admin/locations`), published, without hours; `undefined` overrides drop a field. */
export function locationBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    slug: 'harbor-street',
    name: 'Harbor Street office',
    address: {
      street: '1200 Harbor Street, Suite 3',
      locality: 'Portland',
      region: 'OR',
      postalCode: '97209',
      country: 'US',
    },
    phone: '+15035550142',
    email: 'harbor@wellclinic.example',
    geo: { latitude: 45.5289, longitude: -122.6822 },
    accessibilityNotes: 'Step-free entrance.',
    parkingNotes: 'Street parking.',
    published: true,
    ...overrides,
  };
}

export interface LocationJson {
  id: string;
  slug: string;
  version: number;
}

export const createLocation = creatorOf<LocationJson>(ADMIN_LOCATIONS, locationBody);
