import type { Seeder } from '../common/feature/seeder.js';
import { placeSvg, seedDemoPhoto } from './demo-photos.js';
import type { CreateLocationRequest } from './dto/location.requests.js';
import { locationColumns } from './location-content.js';
import { LocationsRepository } from './locations.repository.js';

type DemoLocation = CreateLocationRequest & { picture: Parameters<typeof placeSvg>[0]; alt: string };

const DEMO: DemoLocation[] = [
  {
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
    hoursKey: 'office',
    accessibilityNotes: 'Step-free entrance from Harbor Street; lift to the third floor; all-gender restroom.',
    parkingNotes: 'Two-hour street parking; the Everett garage is one block north.',
    telehealthOnly: false,
    published: true,
    sortOrder: 10,
    picture: { sky: '#cfe3f1', wall: '#c98f6b', accent: '#2f5d50' },
    alt: 'A brick building on Harbor Street with a green door',
  },
  {
    slug: 'online',
    name: 'Online sessions',
    address: {
      street: '1200 Harbor Street, Suite 3',
      locality: 'Portland',
      region: 'OR',
      postalCode: '97209',
      country: 'US',
    },
    phone: '+15035550143',
    email: 'telehealth@wellclinic.example',
    geo: null,
    hoursKey: 'office',
    accessibilityNotes: 'Video sessions with live captions on request.',
    parkingNotes: null,
    telehealthOnly: true,
    published: true,
    sortOrder: 20,
    picture: { sky: '#e6def3', wall: '#9fb7c9', accent: '#6b5b95' },
    alt: 'The Harbor Street office, where online sessions are registered',
  },
];

/**
 * Two demo locations: the office, and telehealth registered at it. Both use the demo `office` hours and have a photo
 * drawn at seed time.
 */
export const demoLocationsSeeder: Seeder = {
  name: 'demo-locations',
  async run(manager, context) {
    const locations = new LocationsRepository(manager.connection);
    const [{ present }] = await manager.query<{ present: boolean }[]>(
      `SELECT EXISTS (SELECT 1 FROM hours_schedules WHERE key = 'office') AS present`,
    );
    for (const demo of DEMO) {
      if (await locations.findBySlug(demo.slug, manager)) continue;
      const { picture, alt, ...location } = demo;
      const mediaId = await seedDemoPhoto(manager, context.config, placeSvg(picture), alt);
      await locations.insert(
        {
          ...locationColumns({ ...location, photo: { mediaId } }),
          hoursKey: present ? demo.hoursKey : null,
          slug: demo.slug,
        },
        manager,
      );
    }
  },
};
