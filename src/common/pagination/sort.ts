import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { registerDecorator } from 'class-validator';

export type SortDirection = 'ASC' | 'DESC';
export interface SortTerm<F extends string = string> {
  field: F;
  direction: SortDirection;
}

const TERM = /^(-?)([A-Za-z][A-Za-z0-9]*)$/;

/**
 * Parses `-publishedAt,title` against an allow-list. Returns undefined when the value is not acceptable
 * (unknown field, repeated field, bad syntax), so the validator and the service share one definition.
 */
export function parseSort<F extends string>(value: string, allowed: readonly F[]): SortTerm<F>[] | undefined {
  const terms: SortTerm<F>[] = [];
  for (const raw of value.split(',')) {
    const match = TERM.exec(raw.trim());
    if (!match || !allowed.includes(match[2] as F)) return undefined;
    if (terms.some((t) => t.field === match[2])) return undefined;
    terms.push({ field: match[2] as F, direction: match[1] === '-' ? 'DESC' : 'ASC' });
  }
  return terms;
}

/** A `sort` query parameter restricted to the given fields; `-` in front of a field sorts descending. */
export function IsSort(allowed: readonly string[], defaultSort?: string): PropertyDecorator {
  return applyDecorators(
    (target: object, propertyName: string | symbol) =>
      registerDecorator({
        name: 'isSort',
        target: target.constructor,
        propertyName: String(propertyName),
        options: {
          message: ({ property }) =>
            `${property} must be a comma-separated list of ${allowed.join(', ')}, each optionally prefixed with -`,
        },
        validator: {
          validate: (value: unknown) =>
            value === undefined ||
            (typeof value === 'string' && value.length <= 200 && parseSort(value, allowed) !== undefined),
        },
      }),
    ApiPropertyOptional({
      type: String,
      description: `Comma-separated sort fields; prefix with - for descending. Allowed: ${allowed.join(', ')}.`,
      example: defaultSort ?? `-${allowed[0]}`,
      default: defaultSort,
      maxLength: 200,
    }),
  );
}
