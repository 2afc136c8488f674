import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { Practitioner } from './practitioner.entity.js';

/** A slug a practitioner had before it changed: public requests for it are redirected (301). */
@Entity({ name: 'practitioner_slug_redirects' })
@Index(['practitionerId'])
export class PractitionerSlugRedirect {
  @PrimaryColumn({ type: 'varchar', length: 120 })
  slug!: string;

  @Column({ type: 'uuid' })
  practitionerId!: string;

  @ManyToOne(() => Practitioner, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'practitioner_id' })
  practitioner?: Practitioner;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;
}
