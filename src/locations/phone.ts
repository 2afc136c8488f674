import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { IsOptional, IsString, registerDecorator, ValidateIf } from 'class-validator';

const E164 = /^\+[1-9]\d{1,14}$/;

/** Written in E.164 (`+15035550142`) and a number that exists (libphonenumber's metadata). */
export function isE164(value: unknown): boolean {
  return typeof value === 'string' && E164.test(value) && parsePhoneNumberFromString(value)?.isValid() === true;
}

/** A phone number in E.164, as published (schema.org `telephone`, `tel:` links). */
export function IsE164(options: { optional?: boolean; nullable?: boolean } = {}): PropertyDecorator {
  const schema = { type: String, example: '+15035550142', pattern: E164.source, nullable: options.nullable };
  return applyDecorators(
    ...(options.optional && options.nullable
      ? [IsOptional()]
      : options.optional
        ? [ValidateIf((_, value) => value !== undefined)]
        : []),
    IsString(),
    (target: object, propertyName: string | symbol) =>
      registerDecorator({
        name: 'isE164',
        target: target.constructor,
        propertyName: String(propertyName),
        options: { message: ({ property }) => `${property} must be a valid phone number in E.164, e.g. +15035550142` },
        validator: { validate: isE164 },
      }),
    options.optional ? ApiPropertyOptional(schema) : ApiProperty(schema),
  );
}
