import type { PractitionerView } from './practitioner-view.js';
import type { Practitioner } from './practitioner.entity.js';
import { practitionerJsonLd, practitionerJsonLdScript } from './json-ld.js';
import { canonicalLanguage } from './languages.js';

const SITE = 'https://clinic.example';

function view(
  overrides: Partial<Practitioner> = {},
  locations: PractitionerView['locations'] = [],
  photo: PractitionerView['photo'] = null,
): PractitionerView {
  const practitioner = {
    slug: 'maya',
    name: 'Maya',
    jobTitle: null,
    credentials: [],
    licenses: [],
    languages: [],
    specialties: [],
    ...overrides,
  } as unknown as Practitioner;
  return { practitioner, services: [], locations, photo };
}

describe('practitionerJsonLd', () => {
  it('is a bare Person when nothing else is known', () => {
    expect(practitionerJsonLd(view(), SITE)).toEqual({
      '@context': 'https://schema.org',
      '@type': 'Person',
      '@id': `${SITE}/practitioners/maya#person`,
      name: 'Maya',
      url: `${SITE}/practitioners/maya`,
    });
  });

  it('names the photo as the image when its URL is absolute (MEDIA_BASE_URL set), never a relative one', () => {
    const photo = {
      url: 'https://api.clinic.example/media/3f9a1c0e5b7d2468ace013579bdf2468/640.jpg',
      alt: 'Maya in the garden room',
      width: 640,
      height: 800,
      srcset: { avif: '', webp: '', jpeg: '' },
      mediaId: '0b5f0c36-5d4e-4d37-9d2e-3b1f6d2c7a10',
    };
    expect(practitionerJsonLd(view({}, [], photo), SITE).image).toEqual({
      '@type': 'ImageObject',
      url: photo.url,
      caption: 'Maya in the garden room',
    });
    const relative = { ...photo, url: '/media/3f9a1c0e5b7d2468ace013579bdf2468/640.jpg' };
    expect(practitionerJsonLd(view({}, [], relative), SITE)).not.toHaveProperty('image');
  });

  it('never shows a licence that is not public', () => {
    const ld = practitionerJsonLd(
      view({
        licenses: [
          { state: 'OR', type: 'LPC', number: 'C1', public: true },
          { state: 'WA', type: 'LPC', number: 'HIDDEN', public: false },
        ],
      }),
      SITE,
    );
    expect(ld.hasCredential).toEqual([
      {
        '@type': 'EducationalOccupationalCredential',
        credentialCategory: 'license',
        name: 'LPC',
        identifier: 'C1',
        validIn: { '@type': 'AdministrativeArea', name: 'OR' },
      },
    ]);
    expect(JSON.stringify(ld)).not.toContain('HIDDEN');
  });

  it('works for the locations by the @id of their MedicalClinic, and escapes what could end a script element', () => {
    const v = view({ name: '</script>' }, [{ slug: 'harbor', name: 'Harbor & Co' }]);
    expect(practitionerJsonLd(v, SITE).worksFor).toEqual([
      { '@type': 'MedicalClinic', '@id': `${SITE}/locations/harbor#clinic`, name: 'Harbor & Co' },
    ]);
    const script = practitionerJsonLdScript(v, SITE);
    expect(script).not.toMatch(/[<>&]/);
    expect(JSON.parse(script)).toEqual(practitionerJsonLd(v, SITE));
  });
});

describe('canonicalLanguage', () => {
  it.each([
    ['en', 'en'],
    ['ES-mx', 'es-MX'],
    ['zh-hant-tw', 'zh-Hant-TW'],
  ])('canonicalises %s to %s', (tag, canonical) => {
    expect(canonicalLanguage(tag)).toBe(canonical);
  });

  it.each(['english!', '', 'e', 'en_US', 'x-'])('refuses %j', (tag) => {
    expect(canonicalLanguage(tag)).toBeUndefined();
  });
});
