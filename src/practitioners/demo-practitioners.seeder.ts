import { In } from 'typeorm';
import type { Seeder } from '../common/feature/seeder.js';
import { Location, seedDemoPhoto } from '../locations/index.js';
import { Service } from '../services/index.js';
import type { CreatePractitionerRequest } from './dto/practitioner.requests.js';
import { NEW_PRACTITIONER, practitionerColumns } from './practitioner-content.js';
import { PractitionersRepository } from './practitioners.repository.js';

/** A portrait's colours: a soft background gradient, and the figure's clothes and hair. */
interface Portrait {
  from: string;
  to: string;
  clothes: string;
  hair: string;
}

/** An abstract portrait (head and shoulders on a gradient), drawn here: no photo of anyone copied from anywhere. */
function portraitSvg({ from, to, clothes, hair }: Portrait): string {
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="480" height="600">` +
    `<defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1">` +
    `<stop offset="0" stop-color="${from}"/><stop offset="1" stop-color="${to}"/></linearGradient></defs>` +
    `<rect width="480" height="600" fill="url(#g)"/>` +
    `<ellipse cx="240" cy="590" rx="190" ry="180" fill="${clothes}"/>` +
    `<rect x="215" y="330" width="50" height="80" fill="#d9a98a"/>` +
    `<ellipse cx="240" cy="250" rx="92" ry="112" fill="${hair}"/>` +
    `<ellipse cx="240" cy="275" rx="78" ry="95" fill="#e8bc9c"/>` +
    `</svg>`
  );
}

type DemoPractitioner = CreatePractitionerRequest & { portrait: Portrait };

const DEMO: DemoPractitioner[] = [
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
    portrait: { from: '#f3e6d8', to: '#d9b99b', clothes: '#3f6f73', hair: '#4a3426' },
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
    portrait: { from: '#dfeee6', to: '#9cc5ae', clothes: '#6b4f7a', hair: '#1f1b1a' },
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
    portrait: { from: '#dbe7f3', to: '#9fb8d6', clothes: '#a0524d', hair: '#231815' },
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
    portrait: { from: '#fbe3c8', to: '#e0ad84', clothes: '#2e4057', hair: '#2b2b2b' },
  },
];

/** Four demo practitioners with portraits drawn at seed time, linked to the demo services and locations (those that exist). */
export const demoPractitionersSeeder: Seeder = {
  name: 'demo-practitioners',
  async run(manager, context) {
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
      const { portrait, ...fields } = demo;
      const alt = `An illustrated portrait of ${demo.name}`;
      const mediaId = await seedDemoPhoto(manager, context.config, portraitSvg(portrait), alt);
      const created = await practitioners.insert(
        { ...NEW_PRACTITIONER, ...practitionerColumns({ ...fields, photo: { mediaId } }) },
        manager,
      );
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
