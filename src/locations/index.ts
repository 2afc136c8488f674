/** The locations feature's public surface: what other features may use. */
export { LocationsModule } from './locations.module.js';
export { Location } from './location.entity.js';
export { locationUrl } from './json-ld.js';
