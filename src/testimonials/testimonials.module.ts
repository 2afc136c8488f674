import { AuditModule } from '../audit/index.js';
import { Feature } from '../common/feature/feature.js';
import { VersionedWrites } from '../common/persistence/versioned-writes.js';
import { NotificationsModule } from '../notifications/index.js';
import { AdminTestimonialsController } from './admin-testimonials.controller.js';
import { AdminTestimonialsService } from './admin-testimonials.service.js';
import { demoTestimonialsSeeder } from './demo-testimonials.seeder.js';
import { IntegrationTestimonialsController } from './integration-testimonials.controller.js';
import { TestimonialChangeFeed } from './testimonial-change-feed.service.js';
import { TestimonialChange } from './testimonial-change.entity.js';
import { Testimonial } from './testimonial.entity.js';
import { TestimonialsController } from './testimonials.controller.js';
import { TestimonialsRepository } from './testimonials.repository.js';
import { TestimonialsService } from './testimonials.service.js';

@Feature({
  tag: {
    name: 'testimonials',
    description: 'Client testimonials: public submissions, moderation, and the partner feed.',
  },
  entities: [Testimonial, TestimonialChange],
  seeders: [demoTestimonialsSeeder],
  imports: [AuditModule, NotificationsModule],
  controllers: [TestimonialsController, AdminTestimonialsController, IntegrationTestimonialsController],
  providers: [
    TestimonialsRepository,
    TestimonialsService,
    AdminTestimonialsService,
    TestimonialChangeFeed,
    VersionedWrites,
  ],
})
export class TestimonialsModule {}
