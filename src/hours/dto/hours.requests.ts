import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, registerDecorator, ValidateIf, ValidateNested } from 'class-validator';
import { IsDateOnly, IsInstant, IsOneOf, IsText, IsTimeOfDay, QueryInt } from '../../common/validation/decorators.js';
import { MAX_EXCEPTION_LEAD_DAYS } from '../hours-rules.js';
import { isValidTimeZone, WEEKDAYS, type Weekday } from '../schedule.js';

/** An IANA time zone name such as `America/New_York`. */
function IsTimeZone(): PropertyDecorator {
  return (target: object, propertyName: string | symbol) => {
    registerDecorator({
      name: 'isTimeZone',
      target: target.constructor,
      propertyName: String(propertyName),
      options: { message: ({ property }) => `${property} must be an IANA time zone such as America/New_York` },
      validator: { validate: (value: unknown) => typeof value === 'string' && isValidTimeZone(value) },
    });
    ApiProperty({ example: 'America/New_York', description: 'IANA time zone name.' })(target, propertyName);
  };
}

export class TimeRangeDto {
  /** Local opening time, `HH:mm`. */
  @IsTimeOfDay({ example: '09:00' })
  readonly opens!: string;

  /** Local closing time, `HH:mm`; earlier than `opens` runs past midnight; `24:00` is midnight. */
  @IsTimeOfDay({ example: '21:00' })
  readonly closes!: string;
}

export class WeeklyPeriodDto extends TimeRangeDto {
  @IsOneOf(WEEKDAYS, { enumName: 'Weekday', example: 'monday' })
  readonly day!: Weekday;
}

export class PutScheduleRequest {
  @IsText({ max: 100, example: 'Text line' })
  readonly name!: string;

  @IsTimeZone()
  readonly timeZone!: string;

  @IsText({
    max: 1000,
    multiline: true,
    optional: true,
    nullable: true,
    example: 'When we answer "Send us a text!" messages.',
  })
  readonly description?: string | null;

  @ArrayMaxSize(70)
  @ValidateNested({ each: true })
  @Type(() => WeeklyPeriodDto)
  @IsArray()
  @ApiProperty({ type: [WeeklyPeriodDto] })
  readonly periods!: WeeklyPeriodDto[];
}

export class ExceptionRequest {
  @IsDateOnly({
    example: '2026-12-24',
    description: `At most ${MAX_EXCEPTION_LEAD_DAYS} days (about two years) after today in the schedule’s time zone.`,
  })
  readonly startDate!: string;

  @IsDateOnly({ optional: true, example: '2026-12-26', description: 'Inclusive; defaults to `startDate`.' })
  readonly endDate?: string;

  /** `true`: closed all day on every date of the range; `false`: open during `periods` instead. */
  @IsBoolean()
  @ApiProperty()
  readonly closed!: boolean;

  @ValidateIf((_, value) => value !== undefined)
  @ArrayMaxSize(10)
  @ValidateNested({ each: true })
  @Type(() => TimeRangeDto)
  @IsArray()
  @ApiPropertyOptional({ type: [TimeRangeDto], default: [] })
  readonly periods?: TimeRangeDto[];

  @IsText({ max: 100, example: 'Christmas' })
  readonly label!: string;
}

export class UpdateExceptionRequest extends PartialType(ExceptionRequest, { skipNullProperties: false }) {}

export class StatusQuery {
  @IsInstant({
    optional: true,
    description:
      'The instant to evaluate; when absent, now, to the minute (so responses within a minute share an ETag).',
  })
  readonly at?: string;
}

export class CalendarQuery {
  @IsDateOnly({ optional: true, description: 'First local date; today in the schedule’s time zone when absent.' })
  readonly from?: string;

  @QueryInt({ min: 1, max: 62, default: 7, description: 'Number of days, 1 to 62.' })
  readonly days: number = 7;
}
