import { Injectable } from '@nestjs/common';
import type { AuditContext } from '../common/audit/audit-log.js';
import { Clock } from '../common/clock/clock.js';
import { pageWindow, toPage, type Page } from '../common/pagination/pagination.js';
import { VersionedWrites } from '../common/persistence/versioned-writes.js';
import { ReadReplicas } from '../database/read-replicas.js';
import type { ListTestimonialsQuery, SubmitTestimonialRequest } from './dto/testimonial.requests.js';
import { lastInitialOf, normalizeName } from './testimonial-content.js';
import { unknownReference, unknownSlugs } from '../services/index.js';
import { type Testimonial, TESTIMONIAL_SERVICE_FK } from './testimonial.entity.js';
import { TestimonialsRepository } from './testimonials.repository.js';

/** The response cache tag of the public testimonial list: cleared by every staff change. */
export const TESTIMONIALS_CACHE_TAG = 'testimonials';

/**
 * An unknown service slug fails the write on its foreign key: a 400 naming `service`. Staff may name hidden services
 * (a testimonial entered for a service not yet on the website); the public only published ones.
 */
export const unknownService = (error: unknown): unknown =>
  unknownReference(error, [{ constraint: TESTIMONIAL_SERVICE_FK, field: 'service', noun: 'service' }]);

/** The website's side: the approved testimonials, and visitors' submissions. */
@Injectable()
export class TestimonialsService {
  constructor(
    private readonly testimonials: TestimonialsRepository,
    private readonly writes: VersionedWrites,
    private readonly clock: Clock,
    private readonly replicas: ReadReplicas,
  ) {}

  /** The public list (on a read replica when there is one: see ReadReplicas). */
  async list(query: ListTestimonialsQuery): Promise<Page<Testimonial>> {
    const [rows, total] = await this.replicas.read(TESTIMONIALS_CACHE_TAG, ({ manager }) =>
      this.testimonials.findPublicPage(
        { service: query.service, featured: query.featured },
        pageWindow(query),
        manager,
      ),
    );
    return toPage(rows, total, query);
  }

  /**
   * Stores a visitor's testimonial as pending, with the consent given now through the web form. Only the last
   * name's initial is kept. A filled honeypot is stored as rejected spam, and the caller cannot tell. Neither is
   * public, so the cached public list stays: a stream of submissions cannot empty the cache.
   */
  submit(body: SubmitTestimonialRequest, ctx: AuditContext): Promise<Testimonial> {
    const spam = typeof body.website === 'string' && body.website.trim() !== '';
    const now = this.clock.now();
    return this.writes
      .transaction({}, async (manager) => {
        // A hidden service is refused as an unknown one is: the public cannot tell a draft from a slug never used.
        if (body.service !== undefined && !(await this.testimonials.serviceTakenByPublicForm(body.service, manager))) {
          throw unknownSlugs([{ field: 'service', noun: 'service' }]);
        }
        const testimonial = await this.testimonials.insert(
          {
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
          },
          manager,
        );
        await this.writes.audit(manager, this.testimonials, testimonial, ctx, {
          action: 'testimonial.submitted',
          metadata: { spam, status: testimonial.status },
        });
        return testimonial;
      })
      .catch((error: unknown) => {
        throw unknownService(error);
      });
  }
}
