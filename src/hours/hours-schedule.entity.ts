import {
  Column,
  CreateDateColumn,
  Entity,
  OneToMany,
  PrimaryGeneratedColumn,
  type Relation,
  UpdateDateColumn,
} from 'typeorm';
// A type-only import: the relation names its target, so the two entity files do not import each other.
import type { HoursException } from './hours-exception.entity.js';
import type { WeeklyPeriod } from './schedule.js';

/** A named weekly pattern of opening hours in one time zone (`text-line`, `office`). */
@Entity({ name: 'hours_schedules' })
export class HoursSchedule {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'varchar', length: 64, unique: true })
  key!: string;

  @Column({ type: 'varchar', length: 100 })
  name!: string;

  @Column({ type: 'varchar', length: 64 })
  timeZone!: string;

  @Column({ type: 'text', nullable: true })
  description!: string | null;

  /** Stored as given: validated (format, overlaps) before it is written. */
  @Column({ type: 'jsonb' })
  periods!: WeeklyPeriod[];

  @OneToMany('HoursException', (exception: HoursException) => exception.schedule)
  exceptions?: Relation<HoursException[]>;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt!: Date;
}
