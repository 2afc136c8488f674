/** What other features may use of the media library. */
export { MediaModule } from './media.module.js';
export { MediaCatalog, type MediaImage, type MediaImageSource } from './media-catalog.js';
export { seedDrawnPicture } from './media-items.js';
export { type MediaUsage, MediaUsageProvider } from './media-usage.js';
export { VARIANT_FORMATS, type VariantFormat } from './media-urls.js';
