import { Column, Entity, Index } from 'typeorm';
import { StaffEditedEntity } from '../common/persistence/versioned.entity.js';

/** A licence to practise: only the `public` ones are ever shown outside staff screens. */
export interface License {
  /** Where it is valid: a US state or another jurisdiction (`OR`, `WA`, `Ontario`). */
  state: string;
  /** `LMFT`, `LPC`, `Psychologist`… */
  type: string;
  number: string;
  public: boolean;
}

/**
 * A clinician of the practice. `bioHtml` is rendered from the Markdown `bio` on every write (the articles'
 * pipeline). The services and locations they work with are rows of their own (practitioner_services,
 * practitioner_locations), foreign keys to the services' and locations' slugs.
 */
@Entity({ name: 'practitioners' })
// The public list: published ones in the clinic's order.
@Index('IDX_practitioners_public_order', ['sortOrder', 'name', 'id'], { where: 'published' })
// Which practitioners show a media item (deleting it is refused while any does).
@Index('IDX_practitioners_photo_media', ['photoMediaId'], { where: 'photo_media_id IS NOT NULL' })
export class Practitioner extends StaffEditedEntity {
  @Column({ type: 'varchar', length: 120, unique: true })
  slug!: string;

  @Column({ type: 'varchar', length: 120 })
  name!: string;

  @Column({ type: 'varchar', length: 40, nullable: true })
  pronouns!: string | null;

  /** What their role is called (`Licensed Marriage and Family Therapist`): schema.org `jobTitle`. */
  @Column({ type: 'varchar', length: 120, nullable: true })
  jobTitle!: string | null;

  /** Degrees and licences shown after the name (`LMFT`, `PsyD`). */
  @Column({ type: 'text', array: true })
  credentials!: string[];

  @Column({ type: 'jsonb' })
  licenses!: License[];

  /**
   * A media library item as their photo; `photoAlt`, when set, overrides its alt text. As for article covers, no
   * foreign key: deleting the item is refused while a practitioner shows it (PractitionerMediaUsage).
   */
  @Column({ type: 'uuid', nullable: true })
  photoMediaId!: string | null;

  @Column({ type: 'varchar', length: 250, nullable: true })
  photoAlt!: string | null;

  @Column({ type: 'text' })
  bio!: string;

  @Column({ type: 'text' })
  bioHtml!: string;

  @Column({ type: 'text', array: true })
  specialties!: string[];

  @Column({ type: 'text', array: true })
  approaches!: string[];

  /** BCP 47 tags in canonical form (`en`, `es-MX`). */
  @Column({ type: 'text', array: true })
  languages!: string[];

  @Column({ type: 'boolean', default: false })
  telehealth!: boolean;

  @Column({ type: 'boolean', default: true })
  acceptingNewClients!: boolean;

  @Column({ type: 'varchar', length: 300, nullable: true })
  acceptingNewClientsNote!: string | null;

  /** Lower first. */
  @Column({ type: 'integer', default: 0 })
  sortOrder!: number;

  /** Hidden (false) practitioners are not on the public website. */
  @Column({ type: 'boolean', default: false })
  published!: boolean;
}
