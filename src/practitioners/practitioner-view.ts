import type { Practitioner } from './practitioner.entity.js';

/** A practitioner with the slugs of the services they offer and the locations (slug and name) they work at. */
export interface PractitionerView {
  practitioner: Practitioner;
  services: string[];
  locations: { slug: string; name: string }[];
}
