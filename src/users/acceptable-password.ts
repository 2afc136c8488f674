import { applyDecorators } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import {
  IsString,
  Validate,
  type ValidationArguments,
  ValidatorConstraint,
  type ValidatorConstraintInterface,
} from 'class-validator';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH, passwordProblems } from './password.js';

function problemsOf(args: ValidationArguments): string[] {
  const [emailField] = args.constraints as [string | undefined];
  const email = emailField ? (args.object as Record<string, unknown>)[emailField] : undefined;
  return passwordProblems(String(args.value), typeof email === 'string' ? email : '');
}

@ValidatorConstraint({ name: 'acceptablePassword' })
class AcceptablePassword implements ValidatorConstraintInterface {
  validate(_value: unknown, args: ValidationArguments): boolean {
    return problemsOf(args).length === 0;
  }

  defaultMessage(args: ValidationArguments): string {
    return problemsOf(args)
      .map((problem) => `${args.property} ${problem}`)
      .join('; ');
  }
}

/**
 * A new password that meets the policy (length, not the email address, not a common password), checked
 * with the other fields so one round trip reports everything. `emailField` names the body field holding
 * the account's email, when the body has one; services check again against the stored email.
 */
export function IsAcceptablePassword(emailField?: string): PropertyDecorator {
  return applyDecorators(
    IsString(),
    Validate(AcceptablePassword, [emailField]),
    ApiProperty({
      minLength: PASSWORD_MIN_LENGTH,
      maxLength: PASSWORD_MAX_LENGTH,
      description: `At least ${PASSWORD_MIN_LENGTH} characters, not the email address, not a common password.`,
      example: 'calm-harbor-lantern-42',
    }),
  );
}
