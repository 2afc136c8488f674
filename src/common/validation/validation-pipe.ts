import { ValidationPipe, type ValidationError } from '@nestjs/common';
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

/** Strict validation for bodies, query strings and params: unknown fields are errors, never silently dropped. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => validationFailed(flattenValidationErrors(errors)),
  });
}
