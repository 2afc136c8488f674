import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional, type ApiPropertyOptions } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayUnique,
  IsArray,
  IsString,
  Matches,
  MaxLength,
  MinLength,
  ValidateIf,
} from 'class-validator';

/** No control characters, line breaks or bidirectional overrides (as IsText). */
const SINGLE_LINE = /^[^\p{Cc}\u202A-\u202E\u2066-\u2069]*$/u;

/**
 * A list of short single-line labels (credentials, specialties, insurers…): each trimmed, non-empty, at most
 * `maxLength` characters, none twice. Absent when optional; never null.
 */
export function IsTextList(options: {
  maxItems: number;
  maxLength: number;
  optional?: boolean;
  example: string[];
  description?: string;
}): PropertyDecorator {
  const schema: ApiPropertyOptions = {
    type: [String],
    maxItems: options.maxItems,
    example: options.example,
    ...(options.description ? { description: options.description } : {}),
  };
  return applyDecorators(
    Transform(({ value }: { value: unknown }) =>
      Array.isArray(value) ? value.map((item: unknown) => (typeof item === 'string' ? item.trim() : item)) : value,
    ),
    ...(options.optional ? [ValidateIf((_, value) => value !== undefined)] : []),
    IsArray(),
    ArrayMaxSize(options.maxItems),
    ArrayUnique({ message: ({ property }) => `${property} must not list a value twice` }),
    IsString({ each: true }),
    MinLength(1, { each: true, message: ({ property }) => `${property} must not contain empty values` }),
    MaxLength(options.maxLength, { each: true }),
    Matches(SINGLE_LINE, {
      each: true,
      message: ({ property }) => `${property} must not contain control characters or line breaks`,
    }),
    options.optional ? ApiPropertyOptional(schema) : ApiProperty(schema),
  );
}
