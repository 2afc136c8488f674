/** The hours feature's public surface: what other features may use. */
export { HoursModule } from './hours.module.js';
export { HoursService } from './hours.service.js';
export { status, type HoursException, type HoursStatus, type Schedule, type Weekday } from './schedule.js';
