import { AuditModule } from '../audit/index.js';
import { Feature } from '../common/feature/feature.js';
import { VersionedWrites } from '../common/persistence/versioned-writes.js';
import { HoursModule } from '../hours/index.js';
import { MediaModule } from '../media/index.js';
import { AdminLocationsController } from './admin-locations.controller.js';
import { demoLocationsSeeder } from './demo-locations.seeder.js';
import { Location } from './location.entity.js';
import { LocationsController } from './locations.controller.js';
import { LocationsRepository } from './locations.repository.js';
import { LocationMediaUsage } from './location-media-usage.js';
import { LocationsService } from './locations.service.js';
import { DirectoryPhotos } from './photos.js';

@Feature({
  tag: {
    name: 'locations',
    description:
      'Where the clinic sees clients: address, contact, coordinates, opening hours (by schedule) and schema.org `MedicalClinic` JSON-LD.',
  },
  entities: [Location],
  seeders: [demoLocationsSeeder],
  imports: [AuditModule, HoursModule, MediaModule],
  controllers: [LocationsController, AdminLocationsController],
  providers: [LocationsRepository, LocationsService, VersionedWrites, DirectoryPhotos, LocationMediaUsage],
})
export class LocationsModule {}
