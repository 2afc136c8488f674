import { scriptSafeJson } from '../common/http/script-safe-json.js';
import type { PhotoResponse } from './dto/photo.dto.js';
import type { Location } from './location.entity.js';
import { photoJsonLd } from './photos.js';

/** Where the public website shows a location. */
export function locationUrl(siteUrl: string, slug: string): string {
  return `${siteUrl}/locations/${slug}`;
}

/**
 * A location as a complete schema.org `MedicalClinic`: its postal address, coordinates, telephone, email and the
 * `openingHoursSpecification` of its schedule (made by the hours feature: weekly hours and upcoming exceptions).
 * `@id` names the clinic so that a practitioner's `worksFor` can point at it. Its photo is the `image` (see photoJsonLd).
 */
export function locationJsonLd(
  location: Location,
  siteUrl: string,
  openingHoursSpecification: Record<string, unknown>[] | undefined,
  photo: PhotoResponse | null = null,
): Record<string, unknown> {
  const url = locationUrl(siteUrl, location.slug);
  return {
    '@context': 'https://schema.org',
    '@type': 'MedicalClinic',
    '@id': `${url}#clinic`,
    name: location.name,
    url,
    ...photoJsonLd(photo),
    address: {
      '@type': 'PostalAddress',
      streetAddress: location.street,
      addressLocality: location.locality,
      ...(location.region ? { addressRegion: location.region } : {}),
      ...(location.postalCode ? { postalCode: location.postalCode } : {}),
      addressCountry: location.country,
    },
    ...(location.latitude !== null && location.longitude !== null
      ? { geo: { '@type': 'GeoCoordinates', latitude: location.latitude, longitude: location.longitude } }
      : {}),
    ...(location.phone ? { telephone: location.phone } : {}),
    ...(location.email ? { email: location.email } : {}),
    ...(openingHoursSpecification ? { openingHoursSpecification } : {}),
  };
}

/** The JSON-LD as the text of a `<script type="application/ld+json">` element (see scriptSafeJson). */
export function locationJsonLdScript(
  location: Location,
  siteUrl: string,
  openingHoursSpecification: Record<string, unknown>[] | undefined,
  photo: PhotoResponse | null = null,
): string {
  return scriptSafeJson(locationJsonLd(location, siteUrl, openingHoursSpecification, photo));
}
