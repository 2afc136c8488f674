/** The locations feature's public surface: what other features may use. */
export { LocationsModule } from './locations.module.js';
export { Location } from './location.entity.js';
export { LOCATION_REFERENCES, LOCATIONS_CACHE_TAG } from './locations.service.js';
export { locationUrl } from './json-ld.js';
