import type { PhotoResponse } from '../locations/index.js';
import type { Practitioner } from './practitioner.entity.js';

/** A practitioner with the slugs of the services they offer and the locations (slug and name) they work at. */
export interface LinkedPractitioner {
  practitioner: Practitioner;
  services: string[];
  locations: { slug: string; name: string }[];
}

/** …and their photo, looked up in the media library (null when none). */
export interface PractitionerView extends LinkedPractitioner {
  photo: PhotoResponse | null;
}
