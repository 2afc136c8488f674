import { AuditModule } from '../audit/index.js';
import { Feature } from '../common/feature/feature.js';
import { VersionedWrites } from '../common/persistence/versioned-writes.js';
import { HoursModule } from '../hours/index.js';
import { AdminLocationsController } from './admin-locations.controller.js';
import { demoLocationsSeeder } from './demo-locations.seeder.js';
import { Location } from './location.entity.js';
import { LocationsController } from './locations.controller.js';
import { LocationsRepository } from './locations.repository.js';
import { LocationsService } from './locations.service.js';

@Feature({
  tag: {
    name: 'locations',
    description:
      'Where the clinic sees clients: address, contact, coordinates, opening hours (by schedule) and schema.org `MedicalClinic` JSON-LD.',
  },
  entities: [Location],
  seeders: [demoLocationsSeeder],
  imports: [AuditModule, HoursModule],
  controllers: [LocationsController, AdminLocationsController],
  providers: [LocationsRepository, LocationsService, VersionedWrites],
})
export class LocationsModule {}
