import { Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { Location } from '../locations/index.js';
import { Service } from '../services/index.js';
import { Practitioner } from './practitioner.entity.js';

export const PRACTITIONER_SERVICE_FK = 'FK_practitioner_services_service';
export const PRACTITIONER_LOCATION_FK = 'FK_practitioner_locations_location';

/** A service a practitioner offers. */
@Entity({ name: 'practitioner_services' })
// A service's page lists who offers it.
@Index('IDX_practitioner_services_service', ['serviceSlug'])
export class PractitionerService {
  @PrimaryColumn({ type: 'uuid' })
  practitionerId!: string;

  @PrimaryColumn({ type: 'varchar', length: 64 })
  serviceSlug!: string;

  @ManyToOne(() => Practitioner, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'practitioner_id' })
  practitioner?: Practitioner;

  @ManyToOne(() => Service, { onDelete: 'RESTRICT', onUpdate: 'RESTRICT' })
  @JoinColumn({ name: 'service_slug', referencedColumnName: 'slug', foreignKeyConstraintName: PRACTITIONER_SERVICE_FK })
  service?: Service;
}

/** A location a practitioner sees clients at. */
@Entity({ name: 'practitioner_locations' })
@Index('IDX_practitioner_locations_location', ['locationSlug'])
export class PractitionerLocation {
  @PrimaryColumn({ type: 'uuid' })
  practitionerId!: string;

  @PrimaryColumn({ type: 'varchar', length: 64 })
  locationSlug!: string;

  @ManyToOne(() => Practitioner, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'practitioner_id' })
  practitioner?: Practitioner;

  @ManyToOne(() => Location, { onDelete: 'RESTRICT', onUpdate: 'RESTRICT' })
  @JoinColumn({
    name: 'location_slug',
    referencedColumnName: 'slug',
    foreignKeyConstraintName: PRACTITIONER_LOCATION_FK,
  })
  location?: Location;
}
