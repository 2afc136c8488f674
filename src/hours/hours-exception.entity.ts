import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  type Relation,
  UpdateDateColumn,
} from 'typeorm';
import { HoursSchedule } from './hours-schedule.entity.js';
import type { TimeRange } from './schedule.js';

/** Overrides a schedule's weekly pattern for an inclusive range of local dates. */
@Entity({ name: 'hours_exceptions' })
@Index(['scheduleId', 'startDate'])
export class HoursException {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'uuid' })
  scheduleId!: string;

  @ManyToOne(() => HoursSchedule, (schedule) => schedule.exceptions, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'schedule_id' })
  schedule?: Relation<HoursSchedule>;

  @Column({ type: 'date' })
  startDate!: string;

  @Column({ type: 'date' })
  endDate!: string;

  @Column({ type: 'boolean' })
  closed!: boolean;

  /** Replacement periods when not closed. */
  @Column({ type: 'jsonb' })
  periods!: TimeRange[];

  @Column({ type: 'varchar', length: 100 })
  label!: string;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt!: Date;
}
