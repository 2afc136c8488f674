import { AuditModule } from '../audit/index.js';
import { Feature } from '../common/feature/feature.js';
import { NotificationsModule } from '../notifications/index.js';
import { AdminHoursController } from './admin-hours.controller.js';
import { demoHoursSeeder } from './demo-hours.seeder.js';
import { HoursException } from './hours-exception.entity.js';
import { HoursSchedule } from './hours-schedule.entity.js';
import { HoursController } from './hours.controller.js';
import { HoursRepository } from './hours.repository.js';
import { HoursService } from './hours.service.js';

@Feature({
  tag: { name: 'hours', description: 'Opening hours: weekly schedules, exceptions, open-now status and calendars.' },
  entities: [HoursSchedule, HoursException],
  seeders: [demoHoursSeeder],
  imports: [AuditModule, NotificationsModule],
  controllers: [HoursController, AdminHoursController],
  providers: [HoursRepository, HoursService],
  exports: [HoursService],
})
export class HoursModule {}
