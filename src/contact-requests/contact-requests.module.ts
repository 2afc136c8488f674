import { Module } from '@nestjs/common';
import { HoursModule } from '../hours/hours.module.js';
import { AdminContactRequestsController } from './admin-contact-requests.controller.js';
import { AdminContactRequestsService } from './admin-contact-requests.service.js';
import { ContactRequestsController } from './contact-requests.controller.js';
import { ContactRequestsService } from './contact-requests.service.js';
import { RetentionService } from './retention.js';

@Module({
  imports: [HoursModule],
  controllers: [ContactRequestsController, AdminContactRequestsController],
  providers: [ContactRequestsService, AdminContactRequestsService, RetentionService],
  exports: [RetentionService],
})
export class ContactRequestsModule {}
