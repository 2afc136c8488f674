import { type ArgumentMetadata, ValidationPipe, type ValidationError } from '@nestjs/common';
import { AppException } from '../errors/app-exception.js';
import type { FieldError } from '../errors/problem-details.js';

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

export function validationFailed(errors: FieldError[]): AppException {
  const fields = new Set(errors.map((e) => e.field)).size;
  return new AppException('validation_failed', `${fields} ${fields === 1 ? 'field is' : 'fields are'} invalid`, {
    errors,
  });
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
    return super.transform(value, metadata) as Promise<unknown>;
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
