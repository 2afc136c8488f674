/** The practitioners feature's public surface: what other features may use. */
export { PractitionersModule } from './practitioners.module.js';
export { Practitioner } from './practitioner.entity.js';
