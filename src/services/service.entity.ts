import { Check, Column, Entity } from 'typeorm';
import { StaffEditedEntity } from '../common/persistence/versioned.entity.js';

/** Who a service is for; a fixed vocabulary so the website can filter and label it. */
export const SERVICE_AUDIENCES = [
  'individuals',
  'couples',
  'families',
  'groups',
  'children',
  'teens',
  'adults',
  'seniors',
] as const;
export type ServiceAudience = (typeof SERVICE_AUDIENCES)[number];

export const SERVICE_FORMATS = ['in_person', 'telehealth'] as const;
export type ServiceFormat = (typeof SERVICE_FORMATS)[number];

/**
 * Something the clinic offers (individual therapy, couples therapy…). Testimonials and contact requests name a
 * service by its `slug` (a foreign key to it), so the slug is fixed once created: renaming shows in `name` only.
 * `descriptionHtml` is rendered from the Markdown `description` on every write, so reads never render.
 */
@Entity({ name: 'services' })
// A fee is all three columns or none ("ask us"); a sliding scale goes below a fee.
@Check(
  'CHK_services_fee',
  '(fee_min IS NULL) = (fee_max IS NULL) AND (fee_min IS NULL) = (fee_currency IS NULL) AND fee_min <= fee_max',
)
@Check('CHK_services_sliding_scale', 'sliding_scale_min IS NULL OR sliding_scale_min <= fee_min')
export class Service extends StaffEditedEntity {
  @Column({ type: 'varchar', length: 64, unique: true })
  slug!: string;

  @Column({ type: 'varchar', length: 120 })
  name!: string;

  @Column({ type: 'text' })
  description!: string;

  @Column({ type: 'text' })
  descriptionHtml!: string;

  @Column({ type: 'text', array: true })
  audiences!: ServiceAudience[];

  @Column({ type: 'text', array: true })
  formats!: ServiceFormat[];

  /** Null: not stated. */
  @Column({ type: 'smallint', nullable: true })
  sessionLengthMinutes!: number | null;

  /** Whole units of `feeCurrency` (fees are quoted in whole dollars, euros…); null: no fee published. */
  @Column({ type: 'integer', nullable: true })
  feeMin!: number | null;

  @Column({ type: 'integer', nullable: true })
  feeMax!: number | null;

  /** ISO 4217. */
  @Column({ type: 'char', length: 3, nullable: true })
  feeCurrency!: string | null;

  /** The lowest fee on the sliding scale; null when there is no sliding scale. */
  @Column({ type: 'integer', nullable: true })
  slidingScaleMin!: number | null;

  @Column({ type: 'varchar', length: 300, nullable: true })
  slidingScaleNote!: string | null;

  @Column({ type: 'text', array: true })
  insuranceAccepted!: string[];

  @Column({ type: 'boolean', default: false })
  published!: boolean;

  /** Lower first. */
  @Column({ type: 'integer', default: 0 })
  sortOrder!: number;
}
