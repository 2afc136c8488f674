import { applyDecorators, Param, ParseUUIDPipe } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional, type ApiPropertyOptions } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsEmail,
  IsIn,
  IsInt,
  IsISO8601,
  IsObject,
  IsString,
  IsOptional,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateIf,
  ValidateNested,
  isISO8601,
  registerDecorator,
  type ValidationArguments,
  type ValidationOptions,
} from 'class-validator';
import { validationFailed } from './validation-pipe.js';

interface FieldOptions {
  /** The field may be absent (undefined). `null` is still rejected unless `nullable` is set. */
  optional?: boolean;
  /**
   * An optional field that other fields make necessary: absent while `when(body)` holds, it fails with `message`
   * (reported with every other field error of the body).
   */
  requiredWhen?: {
    when: (body: Record<string, unknown>) => boolean;
    message: string | ((args: ValidationArguments) => string);
  };
  nullable?: boolean;
  description?: string;
  example?: unknown;
}

function documented(options: FieldOptions, schema: ApiPropertyOptions): PropertyDecorator {
  const merged: ApiPropertyOptions = {
    ...schema,
    ...(options.description ? { description: options.description } : {}),
    ...(options.example !== undefined ? { example: options.example } : {}),
    ...(options.nullable ? { nullable: true } : {}),
  };
  return options.optional ? ApiPropertyOptional(merged) : ApiProperty(merged);
}

function presence(options: FieldOptions): PropertyDecorator[] {
  const required = options.requiredWhen;
  if (required) {
    return [
      ValidateIf((body: Record<string, unknown>, value) => value !== undefined || required.when(body)),
      (target: object, propertyName: string | symbol) =>
        registerDecorator({
          name: 'requiredWhen',
          target: target.constructor,
          propertyName: String(propertyName),
          options: { message: required.message },
          // Absent or null where it is needed; a null that is not needed is left to the type rule.
          validator: {
            validate: (value: unknown, args) =>
              (value !== undefined && value !== null) || !required.when(args?.object as Record<string, unknown>),
          },
        }),
    ];
  }
  if (options.optional && options.nullable) return [IsOptional()];
  if (options.optional) return [ValidateIf((_, value) => value !== undefined)];
  if (options.nullable) return [ValidateIf((_, value) => value !== null)];
  return [];
}

/** A UUID (any version) in a body or query string. */
export function ValidateUUID(options: FieldOptions = {}): PropertyDecorator {
  return applyDecorators(...presence(options), IsUUID('all'), documented(options, { type: String, format: 'uuid' }));
}

/** A route parameter that must be a UUID; anything else is a validation error naming the parameter. */
export function UuidParam(name = 'id'): ParameterDecorator {
  return Param(
    name,
    new ParseUUIDPipe({
      version: 'all',
      exceptionFactory: () => validationFailed([{ field: name, message: `${name} must be a UUID` }]),
    }),
  );
}

/** An integer, converted from its query-string form; `"1.5"`, `"1e3"` and `""` stay invalid. */
export function QueryInt(
  options: FieldOptions & { min?: number; max?: number; default?: number } = {},
): PropertyDecorator {
  return applyDecorators(
    Transform(({ value }: { value: unknown }) =>
      typeof value === 'string' && /^-?\d{1,15}$/.test(value) ? Number(value) : value,
    ),
    ...presence({ ...options, optional: options.optional ?? options.default !== undefined }),
    IsInt(),
    ...(options.min !== undefined ? [Min(options.min)] : []),
    ...(options.max !== undefined ? [Max(options.max)] : []),
    documented(
      { ...options, optional: options.optional ?? options.default !== undefined },
      { type: Number, minimum: options.min, maximum: options.max, default: options.default },
    ),
  );
}

/** A boolean query parameter: exactly `true` or `false`. */
export function QueryBoolean(options: FieldOptions = {}): PropertyDecorator {
  return applyDecorators(
    Transform(({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value)),
    ...presence(options),
    IsBoolean(),
    documented(options, { type: Boolean }),
  );
}

/** An integer in a JSON body (no conversion: `"3"` and `3.5` are invalid). */
export function IsWholeNumber(options: FieldOptions & { min: number; max: number }): PropertyDecorator {
  return applyDecorators(
    ...presence(options),
    IsInt({ message: ({ property }) => `${property} must be an integer` }),
    Min(options.min),
    Max(options.max),
    documented(options, { type: 'integer', minimum: options.min, maximum: options.max }),
  );
}

/** A boolean in a JSON body: exactly `true` or `false`; `mustBeTrueWhen` makes `false` an error in some cases. */
export function IsFlag(
  options: FieldOptions & {
    mustBeTrueWhen?: { when: (body: Record<string, unknown>) => boolean; message: string };
  } = {},
): PropertyDecorator {
  const mustBeTrue = options.mustBeTrueWhen;
  return applyDecorators(
    ...presence(options),
    IsBoolean(),
    ...(mustBeTrue
      ? [
          (target: object, propertyName: string | symbol) =>
            registerDecorator({
              name: 'mustBeTrueWhen',
              target: target.constructor,
              propertyName: String(propertyName),
              options: { message: mustBeTrue.message },
              validator: {
                validate: (value: unknown, args) =>
                  value === true || !mustBeTrue.when(args?.object as Record<string, unknown>),
              },
            }),
        ]
      : []),
    documented(options, { type: Boolean }),
  );
}

/**
 * Trims strings before validation. With `emptyAsAbsent`, white space alone means "not given": forms send their unused
 * inputs as "".
 */
function Trimmed(emptyAsAbsent = false): PropertyDecorator {
  return Transform(({ value }: { value: unknown }) => {
    if (typeof value !== 'string') return value;
    const trimmed = value.trim();
    return emptyAsAbsent && trimmed === '' ? undefined : trimmed;
  });
}

/** An email address (trimmed; at most 254 characters, the SMTP limit). */
export function IsEmailAddress(options: FieldOptions & { emptyAsAbsent?: boolean } = {}): PropertyDecorator {
  return applyDecorators(
    Trimmed(options.emptyAsAbsent),
    ...presence(options),
    IsString(),
    MaxLength(254),
    IsEmail({}, { message: ({ property }) => `${property} must be an email address` }),
    documented(options, {
      type: String,
      format: 'email',
      maxLength: 254,
      example: options.example ?? 'alex@example.org',
    }),
  );
}

export const SLUG_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/** Lowercase kebab-case, as used in URLs: `self-compassion-101`. */
export function IsSlug(options: FieldOptions & { maxLength?: number } = {}): PropertyDecorator {
  const maxLength = options.maxLength ?? 120;
  return applyDecorators(
    ...presence(options),
    MaxLength(maxLength),
    Matches(SLUG_PATTERN, {
      message: ({ property }) => `${property} must be lowercase words joined by single hyphens`,
    }),
    documented(options, {
      type: String,
      pattern: SLUG_PATTERN.source,
      maxLength,
      example: options.example ?? 'self-compassion-101',
    }),
  );
}

export const TIME_OF_DAY_PATTERN = /^(?:[01]\d|2[0-3]):[0-5]\d$|^24:00$/;

/** A 24-hour time of day `HH:mm`; `24:00` means the end of the day. */
export function IsTimeOfDay(options: FieldOptions = {}): PropertyDecorator {
  return applyDecorators(
    ...presence(options),
    Matches(TIME_OF_DAY_PATTERN, {
      message: ({ property }) => `${property} must be a time of day as HH:mm (00:00 to 24:00)`,
    }),
    documented(options, { type: String, pattern: TIME_OF_DAY_PATTERN.source, example: options.example ?? '09:00' }),
  );
}

/**
 * Dates and instants are limited to these years: far enough for any schedule or record, and safely inside what
 * date arithmetic handles (past 9999 Luxon writes six-digit years, which no longer parse or sort as dates).
 */
const MIN_YEAR = 1900;
const MAX_YEAR = 2200;
const YEARS_NOTE = `Years ${MIN_YEAR} to ${MAX_YEAR}.`;

/** The field's own description, then the year range. */
const withYears = (options: FieldOptions): FieldOptions => ({
  ...options,
  description: options.description ? `${options.description} ${YEARS_NOTE}` : YEARS_NOTE,
});

/** A calendar date `YYYY-MM-DD` that exists (no 2026-02-30), in the years MIN_YEAR to MAX_YEAR. */
export function IsDateOnly(options: FieldOptions = {}): PropertyDecorator {
  return applyDecorators(
    ...presence(options),
    IsCalendarDate(),
    IsYearInRange(),
    documented(withYears(options), { type: String, format: 'date', example: options.example ?? '2026-12-24' }),
  );
}

/** The year a date or date-time string starts with is in range; other strings are left to the format rule. */
function IsYearInRange(): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'isYearInRange',
      target: target.constructor,
      propertyName: String(propertyName),
      options: { message: ({ property }) => `${property} must be in the years ${MIN_YEAR} to ${MAX_YEAR}` },
      validator: {
        validate: (value: unknown) => {
          const year = typeof value === 'string' ? /^(\d{4})-/.exec(value)?.[1] : undefined;
          return year === undefined || (Number(year) >= MIN_YEAR && Number(year) <= MAX_YEAR);
        },
      },
    });
}

function IsCalendarDate(validationOptions?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'isCalendarDate',
      target: target.constructor,
      propertyName: String(propertyName),
      options: { message: ({ property }) => `${property} must be a date as YYYY-MM-DD`, ...validationOptions },
      validator: {
        validate: (value: unknown) =>
          typeof value === 'string' &&
          /^\d{4}-\d{2}-\d{2}$/.test(value) &&
          isISO8601(value, { strict: true, strictSeparator: true }),
      },
    });
}

/**
 * An instant as ISO 8601 with a time zone (`2026-12-24T17:00:00Z`, `…+01:00`), its year as written from MIN_YEAR
 * to MAX_YEAR.
 */
export function IsInstant(options: FieldOptions = {}): PropertyDecorator {
  return applyDecorators(
    ...presence(options),
    Matches(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/, {
      message: ({ property }) =>
        `${property} must be an ISO 8601 date-time with a time zone, e.g. 2026-12-24T17:00:00Z`,
    }),
    IsISO8601({ strict: true }, { message: ({ property }) => `${property} must be a real date and time` }),
    IsYearInRange(),
    documented(withYears(options), {
      type: String,
      format: 'date-time',
      example: options.example ?? '2026-12-24T17:00:00Z',
    }),
  );
}

/** One of a fixed list of strings, documented as a named enum. */
export function IsOneOf(
  values: readonly string[],
  options: FieldOptions & { enumName: string; each?: boolean },
): PropertyDecorator {
  return applyDecorators(
    ...presence(options),
    ...(options.each
      ? [IsArray(), ArrayUnique({ message: ({ property }) => `${property} must not list a value twice` })]
      : []),
    IsIn(values, {
      each: options.each,
      message: ({ property }) => `${property} must be ${options.each ? 'a list of' : 'one of'}: ${values.join(', ')}`,
    }),
    documented(options, { enum: [...values], enumName: options.enumName, isArray: options.each }),
  );
}

/**
 * Text without control characters (C0, DEL, C1: NUL cannot even be stored, Postgres rejects it in text and jsonb)
 * and without bidirectional overrides and isolates (U+202A–U+202E, U+2066–U+2069), which make text display in
 * another order than it is stored ("Trojan Source" spoofing of names and quotes).
 */
const NO_CONTROL_CHARACTERS = /^[^\p{Cc}\u202A-\u202E\u2066-\u2069]*$/u;
/** The same, except for the line breaks and tabs of multi-line text. */
const NO_CONTROL_CHARACTERS_BUT_LINES = /^(?:[\t\n\r]|[^\p{Cc}\u202A-\u202E\u2066-\u2069])*$/u;

/** A nested object validated by its own class; `null` only when nullable (for optional parts it clears them). */
export function IsNestedObject(type: new () => object, options: FieldOptions = {}): PropertyDecorator {
  return applyDecorators(
    ...presence(options),
    IsObject({ message: ({ property }) => `${property} must be an object` }),
    ValidateNested(),
    Type(() => type),
    documented(options, { type }),
  );
}

/**
 * Length in Unicode code points, as Postgres counts `varchar(n)`: validator.js's `Length` skips variation selectors,
 * so a value it accepts could still overflow the column. Same messages as `Length`.
 */
function CodePointLength(min: number, max: number): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'codePointLength',
      target: target.constructor,
      propertyName: String(propertyName),
      options: {
        message: ({ property, value }) =>
          typeof value === 'string' && [...value].length < min
            ? `${property} must be longer than or equal to ${min} characters`
            : `${property} must be shorter than or equal to ${max} characters`,
      },
      validator: {
        validate: (value: unknown) => typeof value === 'string' && [...value].length >= min && [...value].length <= max,
      },
    });
}

/**
 * A string with bounds; surrounding white space is trimmed before the length is checked. Control characters are
 * refused, except line breaks and tabs in `multiline` text.
 */
export function IsText(
  options: FieldOptions & {
    min?: number;
    max: number;
    multiline?: boolean;
    emptyAsAbsent?: boolean;
    /** `false` keeps surrounding white space (Markdown, where indentation means something). Default `true`. */
    trim?: boolean;
    /** The documented default of an optional field. */
    default?: string;
    /** Replaces the control-character rule's message (`$property` is the field): where the API already worded it. */
    controlCharactersMessage?: string;
  },
): PropertyDecorator {
  const min = options.min ?? 1;
  const message = options.controlCharactersMessage;
  return applyDecorators(
    ...(options.trim === false ? [] : [Trimmed(options.emptyAsAbsent)]),
    ...presence(options),
    IsString(),
    options.multiline
      ? Matches(NO_CONTROL_CHARACTERS_BUT_LINES, {
          message:
            message ??
            (({ property }) => `${property} must not contain control characters other than line breaks and tabs`),
        })
      : Matches(NO_CONTROL_CHARACTERS, {
          message: message ?? (({ property }) => `${property} must not contain control characters or line breaks`),
        }),
    CodePointLength(min, options.max),
    documented(options, {
      type: String,
      ...(min > 0 ? { minLength: min } : {}),
      maxLength: options.max,
      ...(options.default !== undefined ? { default: options.default } : {}),
    }),
  );
}

/** A route parameter that must be a slug (`text-line`); anything else is a validation error naming it. */
export function SlugParam(name: string, maxLength = 64): ParameterDecorator {
  return Param(name, {
    transform: (value: unknown) => {
      if (typeof value === 'string' && value.length <= maxLength && SLUG_PATTERN.test(value)) return value;
      throw validationFailed([
        { field: name, message: `${name} must be lowercase words joined by single hyphens (at most ${maxLength})` },
      ]);
    },
  });
}
