import { type ArgumentMetadata, type ValidationError } from '@nestjs/common';
import { Type } from 'class-transformer';
import { IsArray, IsEmail, IsOptional, IsString, MinLength, ValidateNested, validate } from 'class-validator';
import { AppException } from '../errors/app-exception.js';
import { PaginationQueryDto } from '../pagination/pagination.js';
import { IsTimeOfDay } from './decorators.js';
import {
  createValidationPipe,
  flattenValidationErrors,
  MAX_REPORTED_ERRORS,
  validationFailed,
} from './validation-pipe.js';

class PeriodDto {
  @IsTimeOfDay()
  opens!: string;

  @IsTimeOfDay()
  closes!: string;
}

class OpeningHoursDto {
  @IsString()
  name!: string;

  @ValidateNested()
  @Type(() => PeriodDto)
  period!: PeriodDto;

  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => PeriodDto)
  periods!: PeriodDto[];
}

class ContactDto {
  // The type rule closest to the property: class-validator runs it first, and the pipe stops at the first failure.
  @MinLength(2)
  @IsString()
  name!: string;

  @IsEmail()
  email!: string;
}

class PatchDto {
  @IsOptional()
  @IsString()
  name?: string;
}

/** A class without any validation rule. */
class NoRulesDto {
  name?: string;
}

function error(
  property: string,
  constraints?: Record<string, string>,
  children: ValidationError[] = [],
): ValidationError {
  return { property, constraints, children };
}

/** Awaits a promise that must reject with an AppException and returns its public parts. */
async function rejection(promise: Promise<unknown>): Promise<{
  code: string;
  status: number;
  detail: string;
  errors: unknown;
  errorCount?: unknown;
}> {
  try {
    await promise;
  } catch (e) {
    if (e instanceof AppException)
      return {
        code: e.code,
        status: e.status,
        detail: e.detail,
        errors: e.options.errors,
        ...(e.options.extensions ? { errorCount: e.options.extensions.errorCount } : {}),
      };
    throw e;
  }
  throw new Error('the pipe accepted the value');
}

describe('flattenValidationErrors', () => {
  it('returns nothing for no errors', () => {
    expect(flattenValidationErrors([])).toEqual([]);
  });

  it('gives one entry per broken rule of a top-level field', () => {
    expect(
      flattenValidationErrors([
        error('email', { isEmail: 'email must be an email' }),
        error('name', {
          isString: 'name must be a string',
          minLength: 'name must be longer than or equal to 2 characters',
        }),
      ]),
    ).toEqual([
      { field: 'email', message: 'email must be an email' },
      { field: 'name', message: 'name must be a string' },
      { field: 'name', message: 'name must be longer than or equal to 2 characters' },
    ]);
  });

  it('joins nested properties and array indexes with dots', () => {
    const tree = [
      error('period', undefined, [error('opens', { matches: 'opens must be a time of day' })]),
      error('periods', undefined, [
        error('0', undefined, [error('closes', { matches: 'closes must be a time of day' })]),
        error('2', { nestedValidation: 'each value in nested property periods must be an object' }),
      ]),
    ];

    expect(flattenValidationErrors(tree)).toEqual([
      { field: 'period.opens', message: 'opens must be a time of day' },
      { field: 'periods.0.closes', message: 'closes must be a time of day' },
      { field: 'periods.2', message: 'each value in nested property periods must be an object' },
    ]);
  });

  it('reports a parent rule and its children together', () => {
    expect(
      flattenValidationErrors([
        error('a', { custom: 'a is odd' }, [error('b', undefined, [error('c', { isInt: 'c must be an integer' })])]),
      ]),
    ).toEqual([
      { field: 'a', message: 'a is odd' },
      { field: 'a.b.c', message: 'c must be an integer' },
    ]);
  });

  it('names the body when the error has no property (an unknown value)', () => {
    const unknownValue = {
      property: undefined as unknown as string,
      constraints: { unknownValue: 'an unknown value was passed to the validate function' },
      children: [],
    };

    expect(flattenValidationErrors([unknownValue])).toEqual([
      { field: 'body', message: 'the request body must be a JSON object' },
    ]);
  });

  it('flattens what class-validator produces for nested DTOs', async () => {
    const dto = Object.assign(new OpeningHoursDto(), {
      name: 'Main',
      period: Object.assign(new PeriodDto(), { opens: '9:00', closes: '17:00' }),
      periods: [
        Object.assign(new PeriodDto(), { opens: '08:00', closes: '12:00' }),
        Object.assign(new PeriodDto(), { opens: '13:00', closes: '24:01' }),
      ],
    });

    expect(flattenValidationErrors(await validate(dto))).toEqual([
      { field: 'period.opens', message: 'opens must be a time of day as HH:mm (00:00 to 24:00)' },
      { field: 'periods.1.closes', message: 'closes must be a time of day as HH:mm (00:00 to 24:00)' },
    ]);
  });
});

describe('validationFailed', () => {
  it('counts one field once, whatever the number of its messages', () => {
    const errors = [
      { field: 'name', message: 'name must be a string' },
      { field: 'name', message: 'name is too short' },
    ];
    const exception = validationFailed(errors);

    expect(exception).toBeInstanceOf(AppException);
    expect({
      code: exception.code,
      status: exception.status,
      detail: exception.detail,
      options: exception.options,
    }).toEqual({ code: 'validation_failed', status: 400, detail: '1 field is invalid', options: { errors } });
  });

  it('counts distinct fields', () => {
    expect(
      validationFailed([
        { field: 'name', message: 'a' },
        { field: 'email', message: 'b' },
        { field: 'name', message: 'c' },
      ]).detail,
    ).toBe('2 fields are invalid');
  });

  it('tells nested fields apart', () => {
    expect(
      validationFailed([
        { field: 'periods.0.opens', message: 'a' },
        { field: 'periods.1.opens', message: 'b' },
        { field: 'periods.0.closes', message: 'c' },
      ]).detail,
    ).toBe('3 fields are invalid');
  });

  it('copes with no errors', () => {
    expect(validationFailed([]).detail).toBe('0 fields are invalid');
  });

  const many = (n: number) => Array.from({ length: n }, (_, i) => ({ field: `f${i}`, message: `f${i} is wrong` }));

  it(`lists ${MAX_REPORTED_ERRORS} errors without a count`, () => {
    const e = validationFailed(many(MAX_REPORTED_ERRORS));
    expect(e.options.errors).toEqual(many(MAX_REPORTED_ERRORS));
    expect(e.options.extensions).toBeUndefined();
  });

  it(`lists the first ${MAX_REPORTED_ERRORS} of more errors and counts them all`, () => {
    const e = validationFailed(many(30_000));
    expect(e.detail).toBe('30000 fields are invalid');
    expect(e.options.errors).toEqual(many(MAX_REPORTED_ERRORS));
    expect(e.options.extensions).toEqual({ errorCount: 30_000 });
  });

  it('takes the total from a caller that stopped looking', () => {
    const e = validationFailed(many(MAX_REPORTED_ERRORS), 70);
    expect(e.detail).toBe('70 fields are invalid');
    expect(e.options.errors).toHaveLength(MAX_REPORTED_ERRORS);
    expect(e.options.extensions).toEqual({ errorCount: 70 });
  });
});

describe('createValidationPipe', () => {
  const body = (metatype: ArgumentMetadata['metatype']): ArgumentMetadata => ({ type: 'body', metatype });
  const pipe = createValidationPipe();

  it('returns an instance of the DTO for a valid body', async () => {
    const result = await pipe.transform({ name: 'Jane', email: 'jane@example.com' }, body(ContactDto));

    expect(result).toBeInstanceOf(ContactDto);
    expect(result).toEqual({ name: 'Jane', email: 'jane@example.com' });
  });

  it('rejects an unknown field, naming it', async () => {
    expect(
      await rejection(pipe.transform({ name: 'Jane', email: 'jane@example.com', isAdmin: true }, body(ContactDto))),
    ).toEqual({
      code: 'validation_failed',
      status: 400,
      detail: '1 field is invalid',
      errors: [{ field: 'isAdmin', message: 'property isAdmin should not exist' }],
    });
  });

  it('rejects an unknown field inside a nested object, with its dotted path', async () => {
    const value = {
      name: 'Main',
      period: { opens: '09:00', closes: '17:00', note: 'x' },
      periods: [{ opens: '09:00', closes: '17:00', extra: 1 }],
    };

    expect(await rejection(pipe.transform(value, body(OpeningHoursDto)))).toEqual({
      code: 'validation_failed',
      status: 400,
      detail: '2 fields are invalid',
      errors: [
        { field: 'period.note', message: 'property note should not exist' },
        { field: 'periods.0.extra', message: 'property extra should not exist' },
      ],
    });
  });

  it('reports unknown and invalid fields together, one message per field', async () => {
    expect(await rejection(pipe.transform({ name: 5, email: 'nope', hack: 1 }, body(ContactDto)))).toEqual({
      code: 'validation_failed',
      status: 400,
      detail: '3 fields are invalid',
      errors: [
        { field: 'hack', message: 'property hack should not exist' },
        { field: 'name', message: 'name must be a string' },
        { field: 'email', message: 'email must be an email' },
      ],
    });
  });

  it.each([
    ['a string', 'hello'],
    ['a number', 42],
    ['a boolean', true],
    ['an empty array', []],
    ['an array of objects', [{ name: 'Jane' }]],
    ['null', null],
  ])('rejects %s as the body with one error naming the body', async (_label, value) => {
    for (const metatype of [PatchDto, ContactDto]) {
      expect(await rejection(pipe.transform(value, body(metatype)))).toEqual({
        code: 'validation_failed',
        status: 400,
        detail: '1 field is invalid',
        errors: [{ field: 'body', message: 'the request body must be a JSON object' }],
      });
    }
  });

  it('rejects any body for a DTO without rules, as not a JSON object', async () => {
    expect(await rejection(pipe.transform({ name: 'Jane' }, body(NoRulesDto)))).toEqual({
      code: 'validation_failed',
      status: 400,
      detail: '1 field is invalid',
      errors: [{ field: 'body', message: 'the request body must be a JSON object' }],
    });
  });

  it('converts and defaults query strings', async () => {
    const query = await pipe.transform({ page: '3' }, { type: 'query', metatype: PaginationQueryDto });

    expect(query).toBeInstanceOf(PaginationQueryDto);
    expect(query).toEqual({ page: 3, pageSize: 20 });
  });

  it('rejects an undeclared query parameter and reports one message per bad field', async () => {
    expect(
      await rejection(
        pipe.transform({ page: 'abc', pageSize: '500', q: 'x' }, { type: 'query', metatype: PaginationQueryDto }),
      ),
    ).toEqual({
      code: 'validation_failed',
      status: 400,
      detail: '3 fields are invalid',
      errors: [
        { field: 'q', message: 'property q should not exist' },
        { field: 'page', message: 'page must be an integer number' },
        { field: 'pageSize', message: 'pageSize must not be greater than 100' },
      ],
    });
  });

  it('passes a value with a primitive metatype through', async () => {
    expect(await pipe.transform('abc', { type: 'param', metatype: String, data: 'slug' })).toBe('abc');
  });

  it(`refuses more than ${MAX_REPORTED_ERRORS} unknown members from their names, listing the first ones`, async () => {
    const value: Record<string, unknown> = { name: 'Jane', email: 'jane@example.com' };
    for (let i = 0; i < 30_000; i++) value[`k${i}`] = 1;

    expect(await rejection(pipe.transform(value, body(ContactDto)))).toEqual({
      code: 'validation_failed',
      status: 400,
      detail: '30000 fields are invalid',
      errors: Array.from({ length: MAX_REPORTED_ERRORS }, (_, i) => ({
        field: `k${i}`,
        message: `property k${i} should not exist`,
      })),
      errorCount: 30_000,
    });
  });

  it.each([
    ['a nested object', (extra: Record<string, unknown>) => ({ period: { opens: '09:00', ...extra } }), 'period'],
    ['an array of nested objects', (extra: Record<string, unknown>) => ({ periods: [{}, extra] }), 'periods.1'],
  ])(
    `refuses more than ${MAX_REPORTED_ERRORS} unknown members in %s, by their dotted paths`,
    async (_label, build, path) => {
      const extra: Record<string, unknown> = {};
      for (let i = 0; i < 30_000; i++) extra[`k${i}`] = 1;

      const result = await rejection(pipe.transform({ name: 'Main', ...build(extra) }, body(OpeningHoursDto)));
      expect(result.errorCount).toBe(30_000);
      expect(result.errors).toEqual(
        Array.from({ length: MAX_REPORTED_ERRORS }, (_, i) => ({
          field: `${path}.k${i}`,
          message: `property k${i} should not exist`,
        })),
      );
    },
  );

  it('counts unknown members across levels before refusing', async () => {
    const value: Record<string, unknown> = { name: 'Main', period: {}, periods: [{}] };
    for (let i = 0; i < 30; i++) {
      value[`top${i}`] = 1;
      (value.period as Record<string, unknown>)[`p${i}`] = 1;
    }
    const result = await rejection(pipe.transform(value, body(OpeningHoursDto)));
    expect(result.errorCount).toBeGreaterThanOrEqual(60);
    expect(result.errors).toHaveLength(MAX_REPORTED_ERRORS);
  });

  it(`validates ${MAX_REPORTED_ERRORS} unknown members as usual, with the other rules`, async () => {
    const value: Record<string, unknown> = { name: 5, email: 'jane@example.com' };
    for (let i = 0; i < MAX_REPORTED_ERRORS; i++) value[`k${i}`] = 1;

    const result = await rejection(pipe.transform(value, body(ContactDto)));
    expect(result.errors).toHaveLength(MAX_REPORTED_ERRORS);
    expect(result.errorCount).toBe(MAX_REPORTED_ERRORS + 1);
  });

  it.each([
    ['a lone high surrogate', '\ud800'],
    ['a lone low surrogate', '\udc00'],
    ['a NUL', '\u0000'],
  ])('names a field holding %s that no rule of its own refuses', async (_label, bad) => {
    expect(
      await rejection(pipe.transform({ name: `Ja${bad}ne`, email: 'jane@example.com' }, body(ContactDto))),
    ).toEqual({
      code: 'validation_failed',
      status: 400,
      detail: '1 field is invalid',
      errors: [{ field: 'name', message: 'name must not contain NUL characters or unpaired UTF-16 surrogates' }],
    });
  });

  it("keeps a field's own message and the other fields' errors (validator.js would throw on the surrogate)", async () => {
    expect(
      await rejection(
        pipe.transform({ name: 'J', email: 'jane\ud800@example.com', nested: { ['x\ud800']: 1 } }, body(ContactDto)),
      ),
    ).toEqual({
      code: 'validation_failed',
      status: 400,
      detail: '4 fields are invalid',
      errors: [
        { field: 'nested', message: 'property nested should not exist' },
        { field: 'name', message: 'name must be longer than or equal to 2 characters' },
        { field: 'email', message: 'email must be an email' },
        {
          field: 'nested.x\ud800',
          message: 'nested.x\ud800 must not contain NUL characters or unpaired UTF-16 surrogates',
        },
      ],
    });
  });

  it('names a query parameter or path parameter holding NUL', async () => {
    for (const type of ['query', 'param'] as const) {
      expect(await rejection(pipe.transform('a\u0000b', { type, metatype: String, data: 'slug' }))).toEqual({
        code: 'validation_failed',
        status: 400,
        detail: '1 field is invalid',
        errors: [{ field: 'slug', message: 'slug must not contain NUL characters or unpaired UTF-16 surrogates' }],
      });
    }
  });

  it('names the member of a whole query holding a lone surrogate', async () => {
    expect(
      await rejection(pipe.transform({ page: '1\udfff' }, { type: 'query', metatype: PaginationQueryDto })),
    ).toEqual({
      code: 'validation_failed',
      status: 400,
      detail: '1 field is invalid',
      errors: [{ field: 'page', message: 'page must be an integer number' }],
    });
  });

  it('leaves paired surrogates (emoji) alone', async () => {
    expect(await pipe.transform({ name: 'Jane 😊', email: 'jane@example.com' }, body(ContactDto))).toEqual({
      name: 'Jane 😊',
      email: 'jane@example.com',
    });
  });
});
