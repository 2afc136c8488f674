/**
 * Builders for the e2e suites. Bodies are pure functions with overrides; records are made through the public HTTP
 * API as a staff member would (never through services or repositories, whose shape may change under the tests).
 */
export * from './api-keys.js';
export * from './articles.js';
export * from './contact-requests.js';
export * from './hours.js';
export * from './locations.js';
export * from './practitioners.js';
export * from './requests.js';
export * from './services.js';
export * from './testimonials.js';
export * from './unique.js';
export * from './users.js';
