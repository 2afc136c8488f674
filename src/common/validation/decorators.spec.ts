import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import {
  IsDateOnly,
  IsInstant,
  IsSlug,
  IsText,
  IsTimeOfDay,
  QueryBoolean,
  QueryInt,
  ValidateUUID,
} from './decorators.js';

type Constructor<T> = new () => T;

interface Outcome {
  /** The property's value after class-transformer. */
  value: unknown;
  /** Broken rules by property: `{ slug: ['matches'] }`; empty when valid. */
  broken: Record<string, string[]>;
  messages: string[];
}

/** Transforms and validates a plain object against `type` and reports what happened to its `field`. */
async function run<T extends object>(type: Constructor<T>, plain: Record<string, unknown>): Promise<Outcome> {
  const instance = plainToInstance(type, plain);
  const errors = await validate(instance, { forbidUnknownValues: true });
  return {
    value: (instance as Record<string, unknown>).field,
    broken: Object.fromEntries(errors.map((e) => [e.property, Object.keys(e.constraints ?? {})])),
    messages: errors.flatMap((e) => Object.values(e.constraints ?? {})),
  };
}

const withField = (field: unknown) => ({ field });
const UUID = '5b0f3c1e-9a8e-4a57-8f3e-1c2d3e4f5a6b';

describe('ValidateUUID', () => {
  class Required {
    @ValidateUUID()
    field!: string;
  }
  class Optional {
    @ValidateUUID({ optional: true })
    field?: string;
  }
  class Nullable {
    @ValidateUUID({ nullable: true })
    field!: string | null;
  }
  class OptionalNullable {
    @ValidateUUID({ optional: true, nullable: true })
    field?: string | null;
  }

  it.each([
    UUID,
    '00000000-0000-0000-0000-000000000000',
    '5B0F3C1E-9A8E-4A57-8F3E-1C2D3E4F5A6B',
    '018f4c6e-7b1a-7c3d-9e8f-0123456789ab',
  ])('accepts the UUID %s', async (uuid) => {
    expect(await run(Required, withField(uuid))).toEqual({ value: uuid, broken: {}, messages: [] });
  });

  it.each(['not-a-uuid', `${UUID}0`, UUID.replace(/-/g, ''), `{${UUID}}`, '', 42])('rejects %j', async (value) => {
    expect(await run(Required, withField(value))).toEqual({
      value,
      broken: { field: ['isUuid'] },
      messages: ['field must be a UUID'],
    });
  });

  it('requires a value by default: undefined and null are errors', async () => {
    expect((await run(Required, {})).broken).toEqual({ field: ['isUuid'] });
    expect((await run(Required, withField(null))).broken).toEqual({ field: ['isUuid'] });
  });

  it('optional: accepts undefined but still rejects null and bad values', async () => {
    expect((await run(Optional, {})).broken).toEqual({});
    expect((await run(Optional, withField(null))).broken).toEqual({ field: ['isUuid'] });
    expect((await run(Optional, withField('nope'))).broken).toEqual({ field: ['isUuid'] });
    expect((await run(Optional, withField(UUID))).broken).toEqual({});
  });

  it('nullable: accepts null but not undefined', async () => {
    expect((await run(Nullable, withField(null))).broken).toEqual({});
    expect((await run(Nullable, {})).broken).toEqual({ field: ['isUuid'] });
    expect((await run(Nullable, withField('nope'))).broken).toEqual({ field: ['isUuid'] });
  });

  it('optional and nullable: accepts both undefined and null', async () => {
    expect((await run(OptionalNullable, {})).broken).toEqual({});
    expect((await run(OptionalNullable, withField(null))).broken).toEqual({});
    expect((await run(OptionalNullable, withField('nope'))).broken).toEqual({ field: ['isUuid'] });
  });
});

describe('QueryInt', () => {
  class Bounded {
    @QueryInt({ min: 1, max: 10 })
    field!: number;
  }
  class WithDefault {
    @QueryInt({ min: 0, default: 5 })
    field: number = 5;
  }
  class Unbounded {
    @QueryInt({ optional: true })
    field?: number;
  }

  it.each([
    ['1', 1],
    ['10', 10],
    ['07', 7],
  ])('converts %j to %j', async (raw, value) => {
    expect(await run(Bounded, withField(raw))).toEqual({ value, broken: {}, messages: [] });
  });

  it('accepts a number as it is (JSON bodies)', async () => {
    expect(await run(Bounded, withField(3))).toEqual({ value: 3, broken: {}, messages: [] });
  });

  it.each([
    ['0', { field: ['min'] }],
    ['11', { field: ['max'] }],
    ['-3', { field: ['min'] }],
  ])('rejects %j as out of range', async (raw, broken) => {
    expect((await run(Bounded, withField(raw))).broken).toEqual(broken);
  });

  it.each(['1.5', '1e3', '', 'abc', ' 1', '0x1', '1234567890123456'])(
    'keeps %j as a string and rejects it as not an integer',
    async (raw) => {
      const outcome = await run(Unbounded, withField(raw));

      expect(outcome).toEqual({
        value: raw,
        broken: { field: ['isInt'] },
        messages: ['field must be an integer number'],
      });
    },
  );

  it('converts negative and 15-digit values', async () => {
    expect((await run(Unbounded, withField('-42'))).value).toBe(-42);
    expect((await run(Unbounded, withField('123456789012345'))).value).toBe(123_456_789_012_345);
  });

  it('requires a value without default or optional', async () => {
    expect((await run(Bounded, {})).broken).toEqual({ field: ['isInt', 'min', 'max'] });
  });

  it('is optional when it has a default, and keeps the default', async () => {
    expect(await run(WithDefault, {})).toEqual({ value: 5, broken: {}, messages: [] });
    expect(await run(Unbounded, {})).toEqual({ value: undefined, broken: {}, messages: [] });
  });

  it('rejects null even when optional', async () => {
    expect((await run(WithDefault, withField(null))).broken).toEqual({ field: ['isInt', 'min'] });
  });
});

describe('QueryBoolean', () => {
  class Flag {
    @QueryBoolean()
    field!: boolean;
  }
  class OptionalFlag {
    @QueryBoolean({ optional: true })
    field?: boolean;
  }

  it.each([
    ['true', true],
    ['false', false],
    [true, true],
    [false, false],
  ])('converts %j to %j', async (raw, value) => {
    expect(await run(Flag, withField(raw))).toEqual({ value, broken: {}, messages: [] });
  });

  it.each(['yes', 'no', '1', '0', 'TRUE', 'True', ' true', '', 1, null])('rejects %j', async (raw) => {
    expect(await run(Flag, withField(raw))).toEqual({
      value: raw,
      broken: { field: ['isBoolean'] },
      messages: ['field must be a boolean value'],
    });
  });

  it('is required unless optional', async () => {
    expect((await run(Flag, {})).broken).toEqual({ field: ['isBoolean'] });
    expect((await run(OptionalFlag, {})).broken).toEqual({});
  });
});

describe('IsSlug', () => {
  class Slug {
    @IsSlug()
    field!: string;
  }
  class ShortSlug {
    @IsSlug({ maxLength: 10 })
    field!: string;
  }

  it.each(['self-compassion-101', 'a', '101', 'a-b-c', 'x'.repeat(120)])('accepts %j', async (slug) => {
    expect(await run(Slug, withField(slug))).toEqual({ value: slug, broken: {}, messages: [] });
  });

  it.each([
    ['upper case', 'Self-Compassion'],
    ['a double hyphen', 'self--compassion'],
    ['a leading hyphen', '-self'],
    ['a trailing hyphen', 'self-'],
    ['an underscore', 'self_compassion'],
    ['a space', 'self compassion'],
    ['a non-ASCII letter', 'café'],
    ['a slash', 'a/b'],
    ['a trailing newline', 'self\n'],
    ['an empty string', ''],
  ])('rejects %s', async (_label, slug) => {
    expect(await run(Slug, withField(slug))).toEqual({
      value: slug,
      broken: { field: ['matches'] },
      messages: ['field must be lowercase words joined by single hyphens'],
    });
  });

  it('rejects a slug longer than 120 characters', async () => {
    expect(await run(Slug, withField('x'.repeat(121)))).toEqual({
      value: 'x'.repeat(121),
      broken: { field: ['maxLength'] },
      messages: ['field must be shorter than or equal to 120 characters'],
    });
  });

  it('honours a custom maximum length', async () => {
    expect((await run(ShortSlug, withField('abcde-fghi'))).broken).toEqual({});
    expect((await run(ShortSlug, withField('abcde-fghij'))).broken).toEqual({ field: ['maxLength'] });
  });

  it('rejects a value that is not a string, and a missing one', async () => {
    expect((await run(Slug, withField(42))).broken).toEqual({ field: ['maxLength', 'matches'] });
    expect((await run(Slug, {})).broken).toEqual({ field: ['maxLength', 'matches'] });
  });
});

describe('IsTimeOfDay', () => {
  class Time {
    @IsTimeOfDay()
    field!: string;
  }

  it.each(['00:00', '09:30', '12:00', '19:59', '23:59', '24:00'])('accepts %s', async (time) => {
    expect(await run(Time, withField(time))).toEqual({ value: time, broken: {}, messages: [] });
  });

  it.each([
    '24:01',
    '24:30',
    '25:00',
    '9:00',
    '09:0',
    '12:60',
    '0930',
    '09:30:00',
    '09-30',
    ' 09:30',
    '09:30\n',
    '',
    930,
  ])('rejects %j', async (time) => {
    expect(await run(Time, withField(time))).toEqual({
      value: time,
      broken: { field: ['matches'] },
      messages: ['field must be a time of day as HH:mm (00:00 to 24:00)'],
    });
  });
});

describe('IsDateOnly', () => {
  class Day {
    @IsDateOnly()
    field!: string;
  }
  class OptionalDay {
    @IsDateOnly({ optional: true })
    field?: string;
  }

  it.each(['2026-02-28', '2028-02-29', '2000-02-29', '2026-12-31', '2026-01-01'])('accepts %s', async (date) => {
    expect(await run(Day, withField(date))).toEqual({ value: date, broken: {}, messages: [] });
  });

  it.each([
    '2026-02-29',
    '1900-02-29',
    '2026-02-30',
    '2026-04-31',
    '2026-13-01',
    '2026-00-10',
    '2026-01-00',
    '2026-1-01',
    '2026-01-1',
    '26-01-01',
    '2026/01/01',
    '20260101',
    '2026-01-01T00:00:00Z',
    '2026-01-01 ',
    '',
    20260101,
    null,
  ])('rejects %j', async (date) => {
    expect(await run(Day, withField(date))).toEqual({
      value: date,
      broken: { field: ['isCalendarDate'] },
      messages: ['field must be a date as YYYY-MM-DD'],
    });
  });

  it('may be optional', async () => {
    expect((await run(OptionalDay, {})).broken).toEqual({});
    expect((await run(OptionalDay, withField('2026-02-29'))).broken).toEqual({ field: ['isCalendarDate'] });
  });
});

describe('IsDateOnly and IsInstant: the year range', () => {
  class Day {
    @IsDateOnly()
    field!: string;
  }
  class Instant {
    @IsInstant()
    field!: string;
  }

  it.each(['1900-01-01', '2200-12-31'])('accepts the date %s', async (date) => {
    expect((await run(Day, withField(date))).broken).toEqual({});
  });

  it.each(['1899-12-31', '2201-01-01', '9999-12-30'])('rejects the date %s', async (date) => {
    expect(await run(Day, withField(date))).toEqual({
      value: date,
      broken: { field: ['isYearInRange'] },
      messages: ['field must be in the years 1900 to 2200'],
    });
  });

  it.each(['1900-01-01T00:00:00Z', '2200-12-31T23:59:59.999+14:00'])('accepts the instant %s', async (instant) => {
    expect((await run(Instant, withField(instant))).broken).toEqual({});
  });

  it.each(['1899-12-31T23:59:59Z', '2201-01-01T00:00:00Z', '9999-12-31T23:59:59Z'])(
    'rejects the instant %s',
    async (instant) => {
      expect(await run(Instant, withField(instant))).toEqual({
        value: instant,
        broken: { field: ['isYearInRange'] },
        messages: ['field must be in the years 1900 to 2200'],
      });
    },
  );

  it('says so in the OpenAPI description, after the field’s own', () => {
    class Described {
      @IsDateOnly({ description: 'First day.' })
      field!: string;
    }
    const schema = (type: object) =>
      Reflect.getMetadata('swagger/apiModelProperties', type, 'field') as { description?: string };
    expect(schema(Day.prototype).description).toBe('Years 1900 to 2200.');
    expect(schema(Instant.prototype).description).toBe('Years 1900 to 2200.');
    expect(schema(Described.prototype).description).toBe('First day. Years 1900 to 2200.');
  });
});

describe('IsText', () => {
  class Line {
    @IsText({ max: 20 })
    field!: string;
  }
  class Paragraph {
    @IsText({ max: 20, multiline: true })
    field!: string;
  }

  it('trims and accepts plain text, accents and emoji', async () => {
    expect(await run(Line, withField('  Café ☕ ok  '))).toEqual({ value: 'Café ☕ ok', broken: {}, messages: [] });
  });

  it.each(['a\u0000b', 'a\u0007b', 'a\u001bb', 'a\u007fb', 'a\u0085b', 'a\nb', 'a\r\nb', 'a\tb'])(
    'refuses control characters and line breaks in one line: %j',
    async (text) => {
      expect(await run(Line, withField(text))).toEqual({
        value: text,
        broken: { field: ['matches'] },
        messages: ['field must not contain control characters or line breaks'],
      });
    },
  );

  it('accepts line breaks and tabs in multi-line text', async () => {
    expect((await run(Paragraph, withField('one\r\ntwo\n\tthree'))).broken).toEqual({});
  });

  it.each(['a\u0000b', 'a\u001bb', 'a\u007fb', 'a\u0085b'])(
    'refuses other control characters in multi-line text: %j',
    async (text) => {
      expect(await run(Paragraph, withField(text))).toEqual({
        value: text,
        broken: { field: ['matches'] },
        messages: ['field must not contain control characters other than line breaks and tabs'],
      });
    },
  );
});
