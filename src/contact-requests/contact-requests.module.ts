import { AuditModule } from '../audit/index.js';
import { DataCipherModule } from '../common/crypto/data-cipher.module.js';
import { Feature } from '../common/feature/feature.js';
import { IdempotencyModule } from '../common/idempotency/idempotency.module.js';
import { VersionedWrites } from '../common/persistence/versioned-writes.js';
import { HoursModule } from '../hours/index.js';
import { MailModule } from '../mail/index.js';
import { MaintenanceModule } from '../maintenance/index.js';
import { NotificationsModule } from '../notifications/index.js';
import { AdminContactRequestsController } from './admin-contact-requests.controller.js';
import { AdminContactRequestsService } from './admin-contact-requests.service.js';
import { ContactRequestNote } from './contact-request-note.entity.js';
import { ContactRequestStatusChange } from './contact-request-status-change.entity.js';
import { ContactRequest } from './contact-request.entity.js';
import { ContactRequestsController } from './contact-requests.controller.js';
import { ContactRequestsRepository } from './contact-requests.repository.js';
import { contactRequestsPurge } from './contact-requests.purge.js';
import { ContactRequestsService } from './contact-requests.service.js';
import { demoContactRequestsSeeder } from './demo-contact-requests.seeder.js';
import { ReplyOverdue } from './reply-overdue.js';

@Feature({
  tag: {
    name: 'contact-requests',
    description: '"Send us a text!": requests to be contacted, and their handling by staff.',
  },
  entities: [ContactRequest, ContactRequestNote, ContactRequestStatusChange],
  seeders: [demoContactRequestsSeeder],
  purges: [contactRequestsPurge],
  imports: [
    AuditModule,
    DataCipherModule,
    IdempotencyModule,
    NotificationsModule,
    MailModule,
    HoursModule,
    MaintenanceModule,
  ],
  controllers: [ContactRequestsController, AdminContactRequestsController],
  providers: [
    ContactRequestsRepository,
    ContactRequestsService,
    AdminContactRequestsService,
    ReplyOverdue,
    VersionedWrites,
  ],
})
export class ContactRequestsModule {}
