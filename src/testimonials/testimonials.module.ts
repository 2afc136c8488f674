import { Module } from '@nestjs/common';
import { AdminTestimonialsController } from './admin-testimonials.controller.js';
import { AdminTestimonialsService } from './admin-testimonials.service.js';
import { TestimonialChangeFeed } from './change-feed.js';
import { IntegrationTestimonialsController } from './integration-testimonials.controller.js';
import { TestimonialsController } from './testimonials.controller.js';
import { TestimonialsService } from './testimonials.service.js';

@Module({
  controllers: [TestimonialsController, AdminTestimonialsController, IntegrationTestimonialsController],
  providers: [TestimonialsService, AdminTestimonialsService, TestimonialChangeFeed],
})
export class TestimonialsModule {}
