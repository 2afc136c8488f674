import { type Seeder, seedTime } from '../common/feature/seeder.js';
import { ERASED, feedView } from './testimonial-content.js';
import type { Testimonial, TestimonialStatus } from './testimonial.entity.js';
import { TestimonialsRepository } from './testimonials.repository.js';

const DAY_MS = 24 * 60 * 60 * 1000;

interface DemoTestimonial {
  fields: Pick<
    Testimonial,
    'quote' | 'firstName' | 'lastInitial' | 'service' | 'rating' | 'source' | 'featured' | 'sortOrder'
  > &
    Pick<Testimonial, 'consentMethod'>;
  status: TestimonialStatus;
  /** How many days ago it was received. */
  ageDays: number;
}

/** Written for the demo in the clinic's voice; every name is invented. */
const DEMO_TESTIMONIALS: readonly DemoTestimonial[] = [
  {
    status: 'approved',
    ageDays: 40,
    fields: {
      quote:
        'We came in barely talking to each other. Week by week we learned to argue without keeping score, and now we actually laugh at dinner again.',
      firstName: 'Renata',
      lastInitial: 'K',
      service: 'couples-therapy',
      rating: 5,
      source: 'website',
      featured: true,
      sortOrder: 0,
      consentMethod: 'web-form',
    },
  },
  {
    status: 'approved',
    ageDays: 25,
    fields: {
      quote:
        'Evening sessions meant I never had to choose between my job and my mental health. I leave each appointment with one small, doable thing to try.',
      firstName: 'Marcus',
      lastInitial: 'T',
      service: 'individual-therapy',
      rating: 5,
      source: 'email',
      featured: false,
      sortOrder: 10,
      consentMethod: 'email',
    },
  },
  {
    status: 'approved',
    ageDays: 12,
    fields: {
      quote:
        'The group showed me I was not the only one lying awake with worry. Hearing how others cope gave me words for what I had been feeling for years.',
      firstName: 'Hannah',
      lastInitial: 'L',
      service: 'group-therapy',
      rating: null,
      source: 'in-person',
      featured: false,
      sortOrder: 20,
      consentMethod: 'signed-form',
    },
  },
  {
    status: 'pending',
    ageDays: 2,
    fields: {
      quote: 'Our family sessions gave my teenage son and me a way to talk that does not end in slammed doors.',
      firstName: 'Priya',
      lastInitial: 'S',
      service: 'family-therapy',
      rating: 4,
      source: 'website',
      featured: false,
      sortOrder: 0,
      consentMethod: 'web-form',
    },
  },
  {
    status: 'withdrawn',
    ageDays: 60,
    fields: {
      quote: 'Erased on withdrawal: this text is never stored.',
      firstName: 'Erased',
      lastInitial: 'E',
      service: 'individual-therapy',
      rating: 5,
      source: 'website',
      featured: false,
      sortOrder: 0,
      consentMethod: 'web-form',
    },
  },
];

/**
 * Three approved testimonials (one about couples therapy), one pending, one withdrawn. The approved ones are
 * also in the integrations' change feed, as if approved through the API.
 */
export const demoTestimonialsSeeder: Seeder = {
  name: 'demo-testimonials',
  async run(manager, context) {
    const testimonials = new TestimonialsRepository(manager.connection);
    const now = seedTime(context).getTime();
    for (const demo of DEMO_TESTIMONIALS) {
      const receivedAt = new Date(now - demo.ageDays * DAY_MS);
      const decidedAt = new Date(receivedAt.getTime() + DAY_MS);
      const testimonial = await testimonials.insert(
        {
          ...demo.fields,
          status: demo.status,
          consentGivenAt: receivedAt,
          consentTextVersion: '2026-01',
          createdAt: receivedAt,
          ...(demo.status === 'approved' ? { approvedAt: decidedAt } : {}),
          ...(demo.status === 'withdrawn' ? { ...ERASED, withdrawnAt: decidedAt } : {}),
        },
        manager,
      );
      if (demo.status === 'approved') {
        await testimonials.appendChange(
          { op: 'upsert', testimonialId: testimonial.id, testimonial: feedView(testimonial), changedAt: decidedAt },
          manager,
        );
      }
    }
  },
};
