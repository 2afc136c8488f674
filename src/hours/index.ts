/** The hours feature's public surface: what other features may use. */
export { HoursModule } from './hours.module.js';
export { HoursService } from './hours.service.js';
export { status, type HoursException, type HoursStatus, type Schedule, type Weekday } from './schedule.js';
export { HOURS_CACHE_TAG } from './hours.service.js';
export { openingHoursSpecification } from './schema-org.js';
export { secondsUntilNextLocalDay } from './schedule.js';
export { HoursSchedule } from './hours-schedule.entity.js';
