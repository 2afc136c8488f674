import { creatorOf } from './requests.js';

export const ADMIN_PRACTITIONERS = '/api/v1/admin/practitioners';
export const PRACTITIONERS = '/api/v1/practitioners';

/** A valid practitioner (`POST /admin/practitioners`), published, without services or locations. */
export function practitionerBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: 'Maya Lindqvist',
    slug: 'maya-lindqvist',
    pronouns: 'she/her',
    jobTitle: 'Licensed Marriage and Family Therapist',
    credentials: ['LMFT'],
    licenses: [
      { state: 'OR', type: 'LMFT', number: 'T1234', public: true },
      { state: 'WA', type: 'LMFT', number: 'SECRET-99', public: false },
    ],
    bio: 'Maya works with **couples**.',
    specialties: ['couples', 'anxiety'],
    approaches: ['EFT'],
    languages: ['en', 'sv'],
    telehealth: true,
    acceptingNewClients: true,
    published: true,
    ...overrides,
  };
}

export interface PractitionerJson {
  id: string;
  slug: string;
  version: number;
}

export const createPractitioner = creatorOf<PractitionerJson>(ADMIN_PRACTITIONERS, practitionerBody);
