import type { PractitionerView } from './practitioner-view.js';
import type { Practitioner } from './practitioner.entity.js';
import { practitionerJsonLd, practitionerJsonLdScript } from './json-ld.js';
import { canonicalLanguage } from './languages.js';

const SITE = 'https://clinic.example';

function view(overrides: Partial<Practitioner> = {}, locations: PractitionerView['locations'] = []): PractitionerView {
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
  return { practitioner, services: [], locations };
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
