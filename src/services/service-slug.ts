import { applyDecorators } from '@nestjs/common';
import { IsString } from 'class-validator';
import { IsSlug } from '../common/validation/decorators.js';

/** The longest slug a service may have. */
export const MAX_SERVICE_SLUG_LENGTH = 64;

/**
 * A field naming a service by its slug. Only the form is checked here: whether the service exists is its foreign
 * key's business (see `unknownReference`), checked by the write itself.
 */
export function IsServiceSlug(options: { optional?: boolean; description?: string; example?: string } = {}) {
  return applyDecorators(
    // Null, a number or a list is "must be a string", not a length or pattern complaint.
    IsString(),
    IsSlug({ maxLength: MAX_SERVICE_SLUG_LENGTH, example: 'individual-therapy', ...options }),
  );
}
