import { Check, Column, Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import { StaffEditedEntity } from '../common/persistence/versioned.entity.js';
import { HoursSchedule } from '../hours/index.js';

/** The foreign key that makes `hoursKey` name an existing schedule: its violation is the client's 400. */
export const LOCATION_HOURS_FK = 'FK_locations_hours_key';

/**
 * Where the clinic sees clients (or, `telehealthOnly`, the office a telehealth practice is registered at). Its opening
 * hours are an operating-hours schedule named by key; deleting that schedule leaves the location without hours.
 */
@Entity({ name: 'locations' })
// Coordinates come in pairs.
@Check('CHK_locations_geo', '(latitude IS NULL) = (longitude IS NULL)')
// Which locations show a media item (deleting it is refused while any does).
@Index('IDX_locations_photo_media', ['photoMediaId'], { where: 'photo_media_id IS NOT NULL' })
export class Location extends StaffEditedEntity {
  @Column({ type: 'varchar', length: 64, unique: true })
  slug!: string;

  @Column({ type: 'varchar', length: 120 })
  name!: string;

  @Column({ type: 'varchar', length: 200 })
  street!: string;

  /** City or town. */
  @Column({ type: 'varchar', length: 100 })
  locality!: string;

  /** State, province or county. */
  @Column({ type: 'varchar', length: 100, nullable: true })
  region!: string | null;

  @Column({ type: 'varchar', length: 20, nullable: true })
  postalCode!: string | null;

  /** ISO 3166-1 alpha-2, upper case. */
  @Column({ type: 'char', length: 2 })
  country!: string;

  /** E.164. */
  @Column({ type: 'varchar', length: 16, nullable: true })
  phone!: string | null;

  @Column({ type: 'varchar', length: 254, nullable: true })
  email!: string | null;

  @Column({ type: 'double precision', nullable: true })
  latitude!: number | null;

  @Column({ type: 'double precision', nullable: true })
  longitude!: number | null;

  /** The key of the operating-hours schedule that applies here. */
  @Column({ type: 'varchar', length: 64, nullable: true })
  hoursKey!: string | null;

  @ManyToOne(() => HoursSchedule, { onDelete: 'SET NULL', onUpdate: 'CASCADE' })
  @JoinColumn({ name: 'hours_key', referencedColumnName: 'key', foreignKeyConstraintName: LOCATION_HOURS_FK })
  hoursSchedule?: HoursSchedule;

  /**
   * A media library item as its photo; `photoAlt`, when set, overrides its alt text. As for article covers, no
   * foreign key: deleting the item is refused while a location shows it (LocationMediaUsage).
   */
  @Column({ type: 'uuid', nullable: true })
  photoMediaId!: string | null;

  @Column({ type: 'varchar', length: 250, nullable: true })
  photoAlt!: string | null;

  @Column({ type: 'varchar', length: 1000, nullable: true })
  accessibilityNotes!: string | null;

  @Column({ type: 'varchar', length: 1000, nullable: true })
  parkingNotes!: string | null;

  @Column({ type: 'boolean', default: false })
  telehealthOnly!: boolean;

  @Column({ type: 'boolean', default: false })
  published!: boolean;

  /** Lower first. */
  @Column({ type: 'integer', default: 0 })
  sortOrder!: number;
}
