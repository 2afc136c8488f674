import { ApiProperty } from '@nestjs/swagger';
import { MAX_LOOK_AHEAD_DAYS, WEEKDAYS, type Weekday } from '../schedule.js';
import type { HoursException } from '../hours-exception.entity.js';
import type { HoursSchedule } from '../hours-schedule.entity.js';

export class TimeRangeResponse {
  @ApiProperty({ example: '09:00' })
  readonly opens!: string;

  @ApiProperty({ example: '21:00' })
  readonly closes!: string;
}

export class WeeklyPeriodResponse extends TimeRangeResponse {
  @ApiProperty({ enum: WEEKDAYS, enumName: 'Weekday' })
  readonly day!: Weekday;
}

export class ExceptionResponse {
  @ApiProperty({ format: 'uuid' })
  readonly id!: string;

  @ApiProperty({ example: 'text-line' })
  readonly key!: string;

  @ApiProperty({ format: 'date', example: '2026-12-24' })
  readonly startDate!: string;

  @ApiProperty({ format: 'date', example: '2026-12-26' })
  readonly endDate!: string;

  @ApiProperty()
  readonly closed!: boolean;

  @ApiProperty({ type: [TimeRangeResponse] })
  readonly periods!: TimeRangeResponse[];

  @ApiProperty({ example: 'Christmas' })
  readonly label!: string;

  @ApiProperty({ format: 'date-time' })
  readonly createdAt!: string;

  @ApiProperty({ format: 'date-time' })
  readonly updatedAt!: string;
}

export class ScheduleResponse {
  @ApiProperty({ format: 'uuid' })
  readonly id!: string;

  @ApiProperty({ example: 'text-line' })
  readonly key!: string;

  @ApiProperty({ example: 'Text line' })
  readonly name!: string;

  @ApiProperty({ example: 'America/New_York' })
  readonly timeZone!: string;

  @ApiProperty({ nullable: true, type: String })
  readonly description!: string | null;

  @ApiProperty({ type: [WeeklyPeriodResponse] })
  readonly periods!: WeeklyPeriodResponse[];

  @ApiProperty({ type: [ExceptionResponse], description: 'Exceptions from today through the next 90 days.' })
  readonly exceptions!: ExceptionResponse[];

  @ApiProperty({ format: 'date-time' })
  readonly createdAt!: string;

  @ApiProperty({ format: 'date-time' })
  readonly updatedAt!: string;
}

export class LocalTime {
  @ApiProperty({ format: 'date', example: '2026-11-30' })
  readonly date!: string;

  @ApiProperty({ example: '09:00' })
  readonly time!: string;
}

export class ResolvedPeriodResponse {
  @ApiProperty({ example: '09:00', description: 'Local time.' })
  readonly opens!: string;

  @ApiProperty({ example: '21:00', description: 'Local time.' })
  readonly closes!: string;

  @ApiProperty({ format: 'date-time' })
  readonly opensAt!: string;

  @ApiProperty({ format: 'date-time' })
  readonly closesAt!: string;
}

export class ExceptionLabel {
  @ApiProperty({ example: 'Thanksgiving' })
  readonly label!: string;
}

export class HoursStatusResponse {
  @ApiProperty({ example: 'text-line' })
  readonly key!: string;

  @ApiProperty({ example: 'America/New_York' })
  readonly timeZone!: string;

  @ApiProperty({ format: 'date-time' })
  readonly at!: string;

  @ApiProperty({ type: LocalTime, description: '`at` in the schedule’s time zone.' })
  readonly atLocal!: LocalTime;

  @ApiProperty()
  readonly isOpen!: boolean;

  @ApiProperty({ type: ResolvedPeriodResponse, nullable: true })
  readonly currentPeriod!: ResolvedPeriodResponse | null;

  @ApiProperty({
    format: 'date-time',
    nullable: true,
    type: String,
    description: `The next opening after \`at\`; null when there is none within ${MAX_LOOK_AHEAD_DAYS} days.`,
  })
  readonly nextOpensAt!: string | null;

  @ApiProperty({ type: LocalTime, nullable: true, description: '`nextOpensAt` in the schedule’s time zone.' })
  readonly nextOpensAtLocal!: LocalTime | null;

  @ApiProperty({
    format: 'date-time',
    nullable: true,
    type: String,
    description:
      `When the current (or else the next) opening ends; null when that is not within ${MAX_LOOK_AHEAD_DAYS} days ` +
      '(a schedule open around the clock).',
  })
  readonly nextClosesAt!: string | null;

  @ApiProperty({ type: LocalTime, nullable: true, description: '`nextClosesAt` in the schedule’s time zone.' })
  readonly nextClosesAtLocal!: LocalTime | null;

  @ApiProperty({ type: ExceptionLabel, nullable: true })
  readonly exception!: ExceptionLabel | null;
}

export class CalendarDayResponse {
  @ApiProperty({ format: 'date' })
  readonly date!: string;

  @ApiProperty({ type: [ResolvedPeriodResponse] })
  readonly periods!: ResolvedPeriodResponse[];

  @ApiProperty({ type: ExceptionLabel, nullable: true })
  readonly exception!: ExceptionLabel | null;
}

export class CalendarResponse {
  @ApiProperty({ example: 'text-line' })
  readonly key!: string;

  @ApiProperty({ example: 'America/New_York' })
  readonly timeZone!: string;

  @ApiProperty({ type: [CalendarDayResponse] })
  readonly days!: CalendarDayResponse[];
}

export function mapException(key: string, e: HoursException): ExceptionResponse {
  return {
    id: e.id,
    key,
    startDate: e.startDate,
    endDate: e.endDate,
    closed: e.closed,
    periods: e.periods.map(({ opens, closes }) => ({ opens, closes })),
    label: e.label,
    createdAt: e.createdAt.toISOString(),
    updatedAt: e.updatedAt.toISOString(),
  };
}

export function mapSchedule(s: HoursSchedule, upcoming: HoursException[]): ScheduleResponse {
  return {
    id: s.id,
    key: s.key,
    name: s.name,
    timeZone: s.timeZone,
    description: s.description,
    periods: s.periods.map(({ day, opens, closes }) => ({ day, opens, closes })),
    exceptions: upcoming.map((e) => mapException(s.key, e)),
    createdAt: s.createdAt.toISOString(),
    updatedAt: s.updatedAt.toISOString(),
  };
}
