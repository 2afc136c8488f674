import { Check, Column, Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import { StaffEditedEntity } from '../common/persistence/versioned.entity.js';
import { Service } from '../services/index.js';

/** The foreign key that makes `service` name an existing service: its violation is the client's 400. */
export const TESTIMONIAL_SERVICE_FK = 'FK_testimonials_service';

export const TESTIMONIAL_SOURCES = ['website', 'email', 'in-person', 'other'] as const;
export type TestimonialSource = (typeof TESTIMONIAL_SOURCES)[number];

export const TESTIMONIAL_STATUSES = ['pending', 'approved', 'rejected', 'withdrawn'] as const;
export type TestimonialStatus = (typeof TESTIMONIAL_STATUSES)[number];

/** How the client gave consent: the website's form, in writing (email, signed form) or out loud (recorded by staff). */
export const CONSENT_METHODS = ['web-form', 'email', 'signed-form', 'verbal'] as const;
export type ConsentMethod = (typeof CONSENT_METHODS)[number];

/**
 * A client's quote. Only `approved` ones are public. The author is kept as first name and last initial only;
 * withdrawal erases the quote and the name for good (id, status, consent record and dates stay). `createdBy` is the
 * staff member who entered it: null for website submissions.
 */
@Entity({ name: 'testimonials' })
// Staff lists by status, newest first; the public set is `status = 'approved'` (tens to hundreds of rows, sorted
// in memory by Postgres: an index on the mixed-direction public order would not pay for itself).
@Check('CHK_testimonials_rating', 'rating BETWEEN 1 AND 5')
// Withdrawn is exactly "the words are gone": no withdrawn row keeps a quote, no other row lacks one.
@Check(
  'CHK_testimonials_erased',
  "(status = 'withdrawn') = (quote IS NULL AND first_name IS NULL AND last_initial IS NULL)",
)
@Index('IDX_testimonials_status_created', ['status', 'createdAt'])
export class Testimonial extends StaffEditedEntity {
  /** Null once withdrawn. */
  @Column({ type: 'varchar', length: 1000, nullable: true })
  quote!: string | null;

  @Column({ type: 'varchar', length: 40, nullable: true })
  firstName!: string | null;

  /** One letter, upper case. */
  @Column({ type: 'varchar', length: 1, nullable: true })
  lastInitial!: string | null;

  /** A service's slug; null when a visitor did not say. */
  @Column({ type: 'varchar', length: 64, nullable: true })
  service!: string | null;

  @ManyToOne(() => Service, { onDelete: 'RESTRICT', onUpdate: 'RESTRICT' })
  @JoinColumn({ name: 'service', referencedColumnName: 'slug', foreignKeyConstraintName: TESTIMONIAL_SERVICE_FK })
  serviceRef?: Service;

  @Column({ type: 'smallint', nullable: true })
  rating!: number | null;

  @Column({ type: 'enum', enum: TESTIMONIAL_SOURCES, enumName: 'testimonial_source' })
  source!: TestimonialSource;

  @Column({ type: 'enum', enum: TESTIMONIAL_STATUSES, enumName: 'testimonial_status', default: 'pending' })
  status!: TestimonialStatus;

  /** A website submission that filled the honeypot: stored as rejected, its sender told nothing. */
  @Column({ type: 'boolean', default: false })
  spam!: boolean;

  @Column({ type: 'boolean', default: false })
  featured!: boolean;

  /** Staff's order within the featured and the other testimonials: lower first. */
  @Column({ type: 'integer', default: 0 })
  sortOrder!: number;

  @Column({ type: 'timestamptz' })
  consentGivenAt!: Date;

  /** Which wording of the consent the client agreed to (e.g. `2026-01`). */
  @Column({ type: 'varchar', length: 40 })
  consentTextVersion!: string;

  @Column({ type: 'enum', enum: CONSENT_METHODS, enumName: 'testimonial_consent_method' })
  consentMethod!: ConsentMethod;

  /** The latest approval; kept after a rejection or withdrawal as history. */
  @Column({ type: 'timestamptz', nullable: true })
  approvedAt!: Date | null;

  @Column({ type: 'uuid', nullable: true })
  approvedBy!: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  rejectedAt!: Date | null;

  @Column({ type: 'uuid', nullable: true })
  rejectedBy!: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  withdrawnAt!: Date | null;

  @Column({ type: 'uuid', nullable: true })
  withdrawnBy!: string | null;
}
