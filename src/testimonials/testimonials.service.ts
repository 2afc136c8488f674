import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type FindOptionsWhere } from 'typeorm';
import { AuditService, type AuditContext } from '../audit/audit.service.js';
import { Clock } from '../common/clock/clock.js';
import { pageWindow, toPage, type Page } from '../common/pagination/pagination.js';
import type { ListTestimonialsQuery, SubmitTestimonialRequest } from './dto/testimonial.requests.js';
import { lastInitialOf, normalizeName } from './testimonial-content.js';
import { PUBLIC_ORDER, Testimonial } from './testimonial.entity.js';

/** The response cache tag of the public testimonial list: cleared by every staff change. */
export const TESTIMONIALS_CACHE_TAG = 'testimonials';

/** The website's side: the approved testimonials, and visitors' submissions. */
@Injectable()
export class TestimonialsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  async list(query: ListTestimonialsQuery): Promise<Page<Testimonial>> {
    const where: FindOptionsWhere<Testimonial> = {
      status: 'approved',
      ...(query.service ? { service: query.service } : {}),
      ...(query.featured !== undefined ? { featured: query.featured } : {}),
    };
    const [rows, total] = await this.dataSource.getRepository(Testimonial).findAndCount({
      where,
      order: PUBLIC_ORDER,
      ...pageWindow(query),
    });
    return toPage(rows, total, query);
  }

  /**
   * Stores a visitor's testimonial as pending, with the consent given now through the web form. Only the last
   * name's initial is kept. A filled honeypot is stored as rejected spam, and the caller cannot tell.
   */
  submit(body: SubmitTestimonialRequest, ctx: AuditContext): Promise<Testimonial> {
    const spam = typeof body.website === 'string' && body.website.trim() !== '';
    const now = this.clock.now();
    return this.dataSource.transaction(async (manager) => {
      const testimonial = await manager.save(
        manager.create(Testimonial, {
          quote: body.quote,
          firstName: normalizeName(body.firstName),
          lastInitial: lastInitialOf(body.lastName) ?? null,
          service: body.service ?? null,
          rating: body.rating ?? null,
          source: 'website',
          status: spam ? 'rejected' : 'pending',
          spam,
          ...(spam ? { rejectedAt: now } : {}),
          consentGivenAt: now,
          consentTextVersion: body.consentTextVersion,
          consentMethod: 'web-form',
        }),
      );
      await this.audit.record(manager, ctx, {
        action: 'testimonial.submitted',
        entityType: 'testimonial',
        entityId: testimonial.id,
        metadata: { spam, status: testimonial.status },
      });
      return testimonial;
    });
  }
}
