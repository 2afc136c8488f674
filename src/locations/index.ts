/** The locations feature's public surface: what other features may use. */
export { LocationsModule } from './locations.module.js';
export { Location } from './location.entity.js';
export { locationUrl } from './json-ld.js';
export { PhotoInput, PhotoResponse } from './dto/photo.dto.js';
export { placeSvg, seedDemoPhoto } from './demo-photos.js';
export { DirectoryPhotos, photoColumns, photoJsonLd, photoOf } from './photos.js';
