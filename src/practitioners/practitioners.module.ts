import { AuditModule } from '../audit/index.js';
import { DirectoryPhotos } from '../locations/index.js';
import { MediaModule } from '../media/index.js';
import { Feature } from '../common/feature/feature.js';
import { VersionedWrites } from '../common/persistence/versioned-writes.js';
import { AdminPractitionersController } from './admin-practitioners.controller.js';
import { demoPractitionersSeeder } from './demo-practitioners.seeder.js';
import { PractitionerLocation, PractitionerService } from './practitioner-links.entity.js';
import { PractitionerSlugRedirect } from './practitioner-slug.entity.js';
import { Practitioner } from './practitioner.entity.js';
import { PractitionersController } from './practitioners.controller.js';
import { PractitionersRepository } from './practitioners.repository.js';
import { PractitionerMediaUsage } from './practitioner-media-usage.js';
import { PractitionersService } from './practitioners.service.js';

@Feature({
  tag: {
    name: 'practitioners',
    description:
      'Who you would see: credentials, public licences, bio, specialties, languages, services, locations, whether they take new clients, and schema.org `Person` JSON-LD.',
  },
  entities: [Practitioner, PractitionerService, PractitionerLocation, PractitionerSlugRedirect],
  seeders: [demoPractitionersSeeder],
  imports: [AuditModule, MediaModule],
  controllers: [PractitionersController, AdminPractitionersController],
  providers: [PractitionersRepository, PractitionersService, VersionedWrites, DirectoryPhotos, PractitionerMediaUsage],
})
export class PractitionersModule {}
