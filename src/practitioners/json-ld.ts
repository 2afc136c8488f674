import { scriptSafeJson } from '../common/http/script-safe-json.js';
import { locationUrl, photoJsonLd } from '../locations/index.js';
import type { PractitionerView } from './practitioner-view.js';

/** Where the public website shows a practitioner. */
export function practitionerUrl(siteUrl: string, slug: string): string {
  return `${siteUrl}/practitioners/${slug}`;
}

/**
 * A published practitioner as a schema.org `Person`: `jobTitle`, `knowsLanguage` (BCP 47), `hasCredential` (their
 * credentials, and their public licences with where they are valid), `worksFor` (the locations' `MedicalClinic`s, by
 * the same `@id` as the locations' own JSON-LD), `knowsAbout` (specialties), `image` (their photo, see photoJsonLd).
 * Non-public licences never appear.
 */
export function practitionerJsonLd(view: PractitionerView, siteUrl: string): Record<string, unknown> {
  const p = view.practitioner;
  const url = practitionerUrl(siteUrl, p.slug);
  const credentials = [
    ...p.credentials.map((name) => ({ '@type': 'EducationalOccupationalCredential', name })),
    ...p.licenses
      .filter((l) => l.public)
      .map((l) => ({
        '@type': 'EducationalOccupationalCredential',
        credentialCategory: 'license',
        name: l.type,
        identifier: l.number,
        validIn: { '@type': 'AdministrativeArea', name: l.state },
      })),
  ];
  return {
    '@context': 'https://schema.org',
    '@type': 'Person',
    '@id': `${url}#person`,
    name: p.name,
    url,
    ...photoJsonLd(view.photo),
    ...(p.jobTitle ? { jobTitle: p.jobTitle } : {}),
    ...(p.languages.length ? { knowsLanguage: p.languages } : {}),
    ...(credentials.length ? { hasCredential: credentials } : {}),
    ...(p.specialties.length ? { knowsAbout: p.specialties } : {}),
    ...(view.locations.length
      ? {
          worksFor: view.locations.map((l) => ({
            '@type': 'MedicalClinic',
            '@id': `${locationUrl(siteUrl, l.slug)}#clinic`,
            name: l.name,
          })),
        }
      : {}),
  };
}

export function practitionerJsonLdScript(view: PractitionerView, siteUrl: string): string {
  return scriptSafeJson(practitionerJsonLd(view, siteUrl));
}
