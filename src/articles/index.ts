/** The articles feature's public surface: what other features may use. */
export { renderBody, type RenderedBody } from './markdown.js';
