import { Module } from '@nestjs/common';
import { AdminHoursController } from './admin-hours.controller.js';
import { HoursController } from './hours.controller.js';
import { HoursService } from './hours.service.js';

@Module({
  controllers: [HoursController, AdminHoursController],
  providers: [HoursService],
  exports: [HoursService],
})
export class HoursModule {}
