import { type ArgumentMetadata, ValidationPipe, type ValidationError } from '@nestjs/common';
import { defaultMetadataStorage } from 'class-transformer/cjs/storage.js';
import { getMetadataStorage } from 'class-validator';
import { AppException } from '../errors/app-exception.js';
import type { FieldError } from '../errors/problem-details.js';
import { findUnsafeText, unsafeTextMessage, withoutLoneSurrogates } from './hostile-input.js';

/**
 * A validation problem lists at most this many field errors (and says how many it found): thousands of unknown
 * members must not buy thousands of error objects, a megabyte of response and the CPU to build them.
 */
export const MAX_REPORTED_ERRORS = 50;

/** Flattens class-validator's tree into `{ field: "a.b.0.c", message }` entries, one per broken rule. */
export function flattenValidationErrors(errors: ValidationError[], parent = ''): FieldError[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((message) => ({
      field: field || 'body',
      message: field ? message : 'the request body must be a JSON object',
    }));
    return [...own, ...flattenValidationErrors(error.children ?? [], field)];
  });
}

/**
 * The validation problem for these errors: the first MAX_REPORTED_ERRORS of them, and `errorCount` (all that were
 * found, `total` when the caller stopped looking early) when some are left out.
 */
export function validationFailed(errors: FieldError[], total = errors.length): AppException {
  const fields = new Set(errors.map((e) => e.field)).size + Math.max(0, total - errors.length);
  const shown = errors.length > MAX_REPORTED_ERRORS ? errors.slice(0, MAX_REPORTED_ERRORS) : errors;
  return new AppException('validation_failed', `${fields} ${fields === 1 ? 'field is' : 'fields are'} invalid`, {
    errors: shown,
    ...(total > shown.length ? { extensions: { errorCount: total } } : {}),
  });
}

type DtoClass = abstract new (...args: never[]) => unknown;

const declaredCache = new WeakMap<DtoClass, Set<string>>();

/** The properties a DTO declares, as class-validator's whitelist sees them (decorators run once: cached). */
function declaredProperties(metatype: DtoClass): Set<string> {
  let declared = declaredCache.get(metatype);
  if (!declared) {
    const metadata = getMetadataStorage().getTargetValidationMetadatas(metatype, '', false, false);
    declared = new Set(metadata.map((m) => m.propertyName));
    declaredCache.set(metatype, declared);
  }
  return declared;
}

/** The DTO class of a nested property (`@Type(() => PeriodDto)`), if it has one. */
function nestedType(metatype: DtoClass, property: string): DtoClass | undefined {
  const type = defaultMetadataStorage.findTypeMetadata(metatype, property)?.typeFunction() as DtoClass | undefined;
  return typeof type === 'function' ? type : undefined;
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * More unknown members than a problem reports, at any depth of the DTO: refused from their names alone, before
 * class-transformer copies and class-validator visits each of them (30,000 of them took a second of CPU). A walk of
 * the body along the DTO's nested types, without recursion; the same paths and messages as class-validator's.
 */
function rejectManyUnknownMembers(value: Record<string, unknown>, metatype: DtoClass): void {
  const unknown: FieldError[] = [];
  let count = 0;
  const stack: [Record<string, unknown>, DtoClass, string][] = [[value, metatype, '']];
  while (stack.length > 0) {
    const [object, type, path] = stack.pop()!;
    const declared = declaredProperties(type);
    for (const key of Object.keys(object)) {
      const field = path ? `${path}.${key}` : key;
      if (!declared.has(key)) {
        count++;
        if (unknown.length < MAX_REPORTED_ERRORS) unknown.push({ field, message: `property ${key} should not exist` });
        continue;
      }
      const nested = nestedType(type, key);
      const child = object[key];
      if (!nested) continue;
      if (isPlainObject(child)) stack.push([child, nested, field]);
      else if (Array.isArray(child)) {
        child.forEach((item, index) => {
          if (isPlainObject(item)) stack.push([item, nested, `${field}.${index}`]);
        });
      }
    }
  }
  if (count > MAX_REPORTED_ERRORS) throw validationFailed(unknown, count);
}

const BODY_OPTIONAL = Symbol('wellclinic:body-optional');

/**
 * Marks a request DTO whose fields are all optional as one that may be sent with no body at all (an
 * action such as `POST …/publish`): a missing body then means `{}`.
 */
export function BodyOptional(): ClassDecorator {
  return (target) => {
    Reflect.defineMetadata(BODY_OPTIONAL, true, target);
  };
}

/** A DTO body must be a JSON object: `"hello"`, `null` or `[...]` is one error about the body, not about its fields. */
class StrictValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (value === undefined && metadata.type === 'body' && metadata.metatype) {
      if (Reflect.getMetadata(BODY_OPTIONAL, metadata.metatype) === true) value = {};
    }
    const isObject = typeof value === 'object' && value !== null && !Array.isArray(value);
    if (metadata.type === 'body' && this.toValidate(metadata) && !isObject) {
      throw validationFailed([{ field: 'body', message: 'the request body must be a JSON object' }]);
    }
    if (metadata.type === 'custom') return super.transform(value, metadata) as Promise<unknown>;
    if (isObject && metadata.metatype && this.toValidate(metadata))
      rejectManyUnknownMembers(value as Record<string, unknown>, metadata.metatype);

    // A named parameter (`@Query('q')`, `@Param('id')`) is reported by its name, a whole body or query by its fields.
    const unsafe = findUnsafeText(value, metadata.data ?? '', MAX_REPORTED_ERRORS + 1);
    if (unsafe.length === 0) return super.transform(value, metadata) as Promise<unknown>;
    throw await this.withUnsafeText(value, metadata, unsafe);
  }

  /**
   * NUL or lone surrogates were found. validator.js throws on a lone surrogate (its `encodeURI`), so the rules run
   * on a copy where they are U+FFFD: fields whose own rule refuses the value (a name's "no control characters")
   * keep that message, and every other field holding such a character gets one of its own.
   */
  private async withUnsafeText(value: unknown, metadata: ArgumentMetadata, unsafe: string[]): Promise<AppException> {
    let own: FieldError[] = [];
    let ownCount = 0;
    try {
      await super.transform(withoutLoneSurrogates(value), metadata);
    } catch (error) {
      if (!(error instanceof AppException) || error.code !== 'validation_failed') throw error;
      own = error.options.errors ?? [];
      ownCount = Number(error.options.extensions?.errorCount ?? own.length);
    }
    const reported = new Set(own.map((e) => e.field));
    const more = unsafe
      .filter((field) => !reported.has(field || 'body'))
      .map((field) => ({ field: field || 'body', message: unsafeTextMessage(field || 'body') }));
    return validationFailed([...own, ...more], ownCount + more.length);
  }
}

/** Strict validation for bodies, query strings and params: unknown fields are errors, never silently dropped. */
export function createValidationPipe(): ValidationPipe {
  return new StrictValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    // One message per field: the first rule it breaks (type rules are declared first, see decorators.ts).
    stopAtFirstError: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => validationFailed(flattenValidationErrors(errors)),
  });
}
