/** The articles feature's public surface: what other features may use. */
export { renderBody, type RenderedBody } from './markdown.js';
export { ARTICLES_CACHE_TAG } from './articles-cache-tag.js';
