import { ApiKey } from '../api-keys/api-key.entity.js';
import { ArticleRevision } from '../articles/article-revision.entity.js';
import { ArticleSlugRedirect } from '../articles/article-slug.entity.js';
import { Article } from '../articles/article.entity.js';
import { AuditEvent } from '../audit/audit-event.entity.js';
import { HoursException } from '../hours/hours-exception.entity.js';
import { HoursSchedule } from '../hours/hours-schedule.entity.js';
import { TestimonialChange } from '../testimonials/testimonial-change.entity.js';
import { Testimonial } from '../testimonials/testimonial.entity.js';
import { IdempotencyKey } from '../common/idempotency/idempotency-key.entity.js';
import { ContactRequestNote } from '../contact-requests/contact-request-note.entity.js';
import { ContactRequestStatusChange } from '../contact-requests/contact-request-status-change.entity.js';
import { ContactRequest } from '../contact-requests/contact-request.entity.js';
import { OutboxDelivery } from '../notifications/outbox-delivery.entity.js';
import { User } from '../users/user.entity.js';
import { SeedRun } from './seeding/seed-run.entity.js';

/** Every entity, registered explicitly so the app, the TypeORM CLI and the tests see the same schema. */
export const ENTITIES = [
  SeedRun,
  User,
  ApiKey,
  AuditEvent,
  HoursSchedule,
  HoursException,
  Article,
  ArticleRevision,
  ArticleSlugRedirect,
  Testimonial,
  TestimonialChange,
  IdempotencyKey,
  ContactRequest,
  ContactRequestNote,
  ContactRequestStatusChange,
  OutboxDelivery,
];
