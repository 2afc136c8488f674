import { In } from 'typeorm';
import type { Seeder } from '../common/feature/seeder.js';
import { Location } from '../locations/index.js';
import { Service } from '../services/index.js';
import type { CreatePractitionerRequest } from './dto/practitioner.requests.js';
import { NEW_PRACTITIONER, practitionerColumns } from './practitioner-content.js';
import { PractitionersRepository } from './practitioners.repository.js';

const DEMO: CreatePractitionerRequest[] = [
  {
    name: 'Elena Marsh',
    slug: 'elena-marsh',
    pronouns: 'she/her',
    jobTitle: 'Licensed Marriage and Family Therapist',
    credentials: ['LMFT'],
    licenses: [
      { state: 'OR', type: 'LMFT', number: 'T2041', public: true },
      { state: 'WA', type: 'LMFT', number: 'LF60812345', public: false },
    ],
    bio: 'Elena helps couples and families **slow down hard conversations** so everyone is heard.\n\nShe trained in Emotionally Focused Therapy and the Gottman Method.',
    specialties: ['couples', 'family conflict', 'life transitions'],
    approaches: ['EFT', 'Gottman Method'],
    languages: ['en', 'es'],
    services: ['couples-therapy', 'family-therapy'],
    locations: ['harbor-street', 'online'],
    telehealth: true,
    acceptingNewClients: true,
    sortOrder: 10,
    published: true,
  },
  {
    name: 'Jordan Reyes',
    slug: 'jordan-reyes',
    pronouns: 'they/them',
    jobTitle: 'Licensed Clinical Social Worker',
    credentials: ['LCSW'],
    licenses: [{ state: 'OR', type: 'LCSW', number: 'L7734', public: true }],
    bio: 'Jordan works with teens and adults on anxiety, identity and grief, and leads our weekly support groups.',
    specialties: ['anxiety', 'grief', 'LGBTQ+ affirming care'],
    approaches: ['CBT', 'ACT'],
    languages: ['en'],
    services: ['individual-therapy', 'group-therapy'],
    locations: ['harbor-street'],
    telehealth: false,
    acceptingNewClients: false,
    acceptingNewClientsNote: 'Waitlist open for spring.',
    sortOrder: 20,
    published: true,
  },
  {
    name: 'Priya Nair',
    slug: 'priya-nair',
    pronouns: 'she/her',
    jobTitle: 'Licensed Professional Counselor',
    credentials: ['LPC'],
    licenses: [{ state: 'OR', type: 'LPC', number: 'C5519', public: true }],
    bio: 'Priya offers a calm, practical space for depression, burnout and self-compassion work.',
    specialties: ['depression', 'burnout', 'self-compassion'],
    approaches: ['CBT', 'Mindfulness-based therapy'],
    languages: ['en', 'hi', 'ml'],
    services: ['individual-therapy'],
    locations: ['online'],
    telehealth: true,
    acceptingNewClients: true,
    sortOrder: 30,
    published: true,
  },
  {
    name: 'Samuel Okafor',
    slug: 'samuel-okafor',
    pronouns: 'he/him',
    jobTitle: 'Clinical Psychologist',
    credentials: ['PsyD'],
    licenses: [{ state: 'OR', type: 'Psychologist', number: '2877', public: true }],
    bio: 'Dr. Okafor specialises in trauma and reviews the clinical content of our articles.',
    specialties: ['trauma', 'PTSD', 'anxiety'],
    approaches: ['EMDR', 'CPT'],
    languages: ['en', 'fr'],
    services: ['individual-therapy', 'family-therapy'],
    locations: ['harbor-street', 'online'],
    telehealth: true,
    acceptingNewClients: true,
    acceptingNewClientsNote: 'Evening slots only.',
    sortOrder: 40,
    published: true,
  },
];

/** Four demo practitioners linked to the demo services and locations (those that exist). */
export const demoPractitionersSeeder: Seeder = {
  name: 'demo-practitioners',
  async run(manager) {
    const practitioners = new PractitionersRepository(manager.connection);
    const services = new Set(
      (
        await manager.find(Service, {
          select: { slug: true },
          where: { slug: In(DEMO.flatMap((d) => d.services ?? [])) },
        })
      ).map((s) => s.slug),
    );
    const locations = new Set(
      (
        await manager.find(Location, {
          select: { slug: true },
          where: { slug: In(DEMO.flatMap((d) => d.locations ?? [])) },
        })
      ).map((l) => l.slug),
    );
    for (const demo of DEMO) {
      if (await practitioners.findBySlug(demo.slug, manager)) continue;
      const created = await practitioners.insert({ ...NEW_PRACTITIONER, ...practitionerColumns(demo) }, manager);
      await practitioners.replaceLinks(
        created.id,
        {
          services: (demo.services ?? []).filter((slug) => services.has(slug)),
          locations: (demo.locations ?? []).filter((slug) => locations.has(slug)),
        },
        manager,
      );
    }
  },
};
