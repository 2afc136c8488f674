import { ManualClock } from '../src/common/clock/clock.js';
import { withTestApp } from './utils/test-app.js';

type Page = { data: Record<string, unknown>[]; meta: { total: number } };

describe('demo seed: practitioners, services and locations', () => {
  it('publishes four practitioners, the four therapy services (other stays hidden) and two locations, all linked', async () => {
    const clock = new ManualClock(new Date('2031-05-07T16:00:00Z'));
    await withTestApp({ isolatedDatabase: 'empty', clock, env: { DB_SEED_ON_START: 'true' } }, async (app) => {
      const get = async (path: string) => {
        const res = await app.http().get(path);
        expect({ path, status: res.status }).toEqual({ path, status: 200 });
        return res.body as Page & Record<string, unknown>;
      };
      const services = await get('/api/v1/services');
      expect(services.data.map((s) => s.slug)).toEqual([
        'individual-therapy',
        'couples-therapy',
        'family-therapy',
        'group-therapy',
      ]);
      expect(services.data.every((s) => s.fee !== null && s.descriptionHtml !== '')).toBe(true);
      const locations = await get('/api/v1/locations');
      expect(locations.data.map((l) => l.slug)).toEqual(['harbor-street', 'online']);
      const practitioners = await get('/api/v1/practitioners');
      expect(practitioners.data.map((p) => p.slug)).toEqual([
        'elena-marsh',
        'jordan-reyes',
        'priya-nair',
        'samuel-okafor',
      ]);

      // Photos drawn at seed time, in the media library like uploads.
      expect(
        [...locations.data, ...practitioners.data].map((r) => {
          const photo = r.photo as { url: string; alt: string; width: number } | null;
          return photo && { slug: r.slug, url: /^\/media\/[0-9a-f]{32}\/\d+\.jpg$/.test(photo.url), alt: photo.alt };
        }),
      ).toEqual([
        { slug: 'harbor-street', url: true, alt: 'A brick building on Harbor Street with a green door' },
        { slug: 'online', url: true, alt: 'The Harbor Street office, where online sessions are registered' },
        ...['Elena Marsh', 'Jordan Reyes', 'Priya Nair', 'Samuel Okafor'].map((name) => ({
          slug: name.toLowerCase().replace(' ', '-'),
          url: true,
          alt: `An illustrated portrait of ${name}`,
        })),
      ]);
      const photo = (practitioners.data[0].photo as { url: string }).url;
      const file = await app.http().get(photo);
      expect({ status: file.status, type: file.headers['content-type'] }).toEqual({ status: 200, type: 'image/jpeg' });

      const office = await get('/api/v1/locations/harbor-street');
      const clinic = JSON.parse(office.jsonLd as string) as Record<string, unknown>;
      expect(clinic).toMatchObject({ '@type': 'MedicalClinic', telephone: '+15035550142' });
      expect(clinic.openingHoursSpecification).toEqual(
        expect.arrayContaining([expect.objectContaining({ '@type': 'OpeningHoursSpecification' })]),
      );
      const elena = await get('/api/v1/practitioners/elena-marsh');
      expect(elena.licenses).toEqual([{ state: 'OR', type: 'LMFT', number: 'T2041' }]);
      expect(JSON.parse(elena.jsonLd as string)).toMatchObject({
        '@type': 'Person',
        knowsLanguage: ['en', 'es'],
        worksFor: [{ name: 'Harbor Street office' }, { name: 'Online sessions' }],
      });
      const couples = await get('/api/v1/services/couples-therapy');
      expect((couples.practitioners as { slug: string }[]).map((p) => p.slug)).toEqual(['elena-marsh']);
    });
  });
});
