/** The services feature's public surface: what other features may use. */
export { ServicesModule } from './services.module.js';
export { Service } from './service.entity.js';
export {
  type NamedBy,
  SERVICE_TAKEN_BY_PUBLIC_FORMS,
  stillNamed,
  unknownReference,
  unknownSlugs,
} from './service-references.js';
export { IsTextList } from './text-list.js';
export { IsServiceSlug, MAX_SERVICE_SLUG_LENGTH } from './service-slug.js';
export { PRACTITIONERS_CACHE_TAG, SERVICES_CACHE_TAG } from './services.service.js';
