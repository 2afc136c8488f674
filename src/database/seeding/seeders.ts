import { demoArticlesSeeder } from '../../articles/demo-articles.seeder.js';
import { demoTestimonialsSeeder } from '../../testimonials/demo-testimonials.seeder.js';
import { demoContactRequestsSeeder } from '../../contact-requests/demo-contact-requests.seeder.js';
import { demoHoursSeeder } from '../../hours/demo-hours.seeder.js';
import { demoAdminSeeder } from '../../users/demo-admin.seeder.js';
import type { Seeder } from './seeder.js';

/** Demo content, in the order it is loaded. Feature modules append their seeders here. */
export const SEEDERS: readonly Seeder[] = [
  demoAdminSeeder,
  demoHoursSeeder,
  demoArticlesSeeder,
  demoTestimonialsSeeder,
  demoContactRequestsSeeder,
];
