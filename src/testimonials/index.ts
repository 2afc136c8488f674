/** The testimonials feature's public surface: what other features may use. */
export { TestimonialsModule } from './testimonials.module.js';
