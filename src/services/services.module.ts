import { AuditModule } from '../audit/index.js';
import { Feature } from '../common/feature/feature.js';
import { VersionedWrites } from '../common/persistence/versioned-writes.js';
import { AdminServicesController } from './admin-services.controller.js';
import { demoServicesSeeder } from './demo-services.seeder.js';
import { Service } from './service.entity.js';
import { ServicesController } from './services.controller.js';
import { ServicesRepository } from './services.repository.js';
import { ServicesService } from './services.service.js';

@Feature({
  tag: {
    name: 'services',
    description:
      'What the clinic offers: audiences, formats, session length, fees and insurance. Testimonials and contact requests name a service by its slug.',
  },
  entities: [Service],
  seeders: [demoServicesSeeder],
  imports: [AuditModule],
  controllers: [ServicesController, AdminServicesController],
  providers: [ServicesRepository, ServicesService, VersionedWrites],
})
export class ServicesModule {}
