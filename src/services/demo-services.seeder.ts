import type { Seeder } from '../common/feature/seeder.js';
import { newServiceFields } from './service-content.js';
import type { CreateServiceRequest } from './dto/service.requests.js';
import { ServicesRepository } from './services.repository.js';

type DemoService = Omit<CreateServiceRequest, 'published'>;

const INSURERS = ['Aetna', 'Blue Cross Blue Shield', 'Cigna', 'UnitedHealthcare'];

/** Demo content for the five services the migration ServicesDirectory created (hidden and bare). */
const DEMO: DemoService[] = [
  {
    slug: 'individual-therapy',
    name: 'Individual therapy',
    description:
      'One-to-one sessions for anxiety, depression, grief, stress and life changes.\n\nWe start with an intake session to understand **what brings you in** and agree on goals together.',
    audiences: ['adults', 'teens'],
    formats: ['in_person', 'telehealth'],
    sessionLengthMinutes: 50,
    fee: { min: 140, max: 180, currency: 'USD', slidingScale: { min: 60, note: 'Set with you by income; just ask.' } },
    insuranceAccepted: INSURERS,
    sortOrder: 10,
  },
  {
    slug: 'couples-therapy',
    name: 'Couples therapy',
    description:
      'For partners who want to argue less and understand each other more: communication, trust, transitions and intimacy.',
    audiences: ['couples'],
    formats: ['in_person', 'telehealth'],
    sessionLengthMinutes: 80,
    fee: { min: 180, max: 220, currency: 'USD', slidingScale: null },
    insuranceAccepted: ['Aetna'],
    sortOrder: 20,
  },
  {
    slug: 'family-therapy',
    name: 'Family therapy',
    description:
      'Sessions with parents, children and the people who matter to them, to get through hard seasons together.',
    audiences: ['families', 'children', 'teens'],
    formats: ['in_person'],
    sessionLengthMinutes: 60,
    fee: { min: 160, max: 200, currency: 'USD', slidingScale: { min: 80, note: null } },
    insuranceAccepted: INSURERS,
    sortOrder: 30,
  },
  {
    slug: 'group-therapy',
    name: 'Group therapy',
    description: 'Small groups (six to eight people) led by a therapist: social anxiety, grief, and new parents.',
    audiences: ['groups', 'adults'],
    formats: ['in_person', 'telehealth'],
    sessionLengthMinutes: 90,
    fee: { min: 60, max: 60, currency: 'USD', slidingScale: { min: 30, note: null } },
    insuranceAccepted: [],
    sortOrder: 40,
  },
];

/** Fills the four therapy services with demo content and publishes them; `other` stays a hidden catch-all. */
export const demoServicesSeeder: Seeder = {
  name: 'demo-services',
  async run(manager) {
    const services = new ServicesRepository(manager.connection);
    for (const { slug, ...demo } of DEMO) {
      const fields = newServiceFields({ slug, ...demo, published: true });
      const existing = await services.findBySlug(slug, manager);
      // Staff already wrote about it: theirs stays.
      if (existing && existing.description !== '') continue;
      if (existing) await services.save(Object.assign(existing, fields), manager);
      else await services.insert({ slug, ...fields }, manager);
    }
  },
};
