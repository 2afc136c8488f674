import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsEmail, IsString, MaxLength, MinLength } from 'class-validator';
import { IsFlag } from '../../common/validation/decorators.js';
import { IsAcceptablePassword } from '../../users/index.js';
import { PASSWORD_MAX_LENGTH } from '../../users/index.js';

export class LoginRequest {
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim().toLowerCase() : value))
  @IsEmail({}, { message: 'email must be an email address' })
  @ApiProperty({ format: 'email', example: 'admin@example.com' })
  readonly email!: string;

  @MaxLength(PASSWORD_MAX_LENGTH)
  @MinLength(1)
  @IsString()
  @ApiProperty({ example: 'the password', minLength: 1, maxLength: PASSWORD_MAX_LENGTH })
  readonly password!: string;
}

export class ChangePasswordRequest {
  @MaxLength(PASSWORD_MAX_LENGTH)
  @MinLength(1)
  @IsString()
  @ApiProperty({ minLength: 1, maxLength: PASSWORD_MAX_LENGTH, example: 'the-current-passphrase' })
  readonly currentPassword!: string;

  @IsAcceptablePassword()
  readonly newPassword!: string;
}

/** Switches email notices on or off; the fields left out keep their setting. */
export class UpdateNotificationPreferencesRequest {
  /** "New contact request CR-…": admins and front desk. */
  @IsFlag({ optional: true, example: true })
  readonly newContactRequest?: boolean;

  /** A contact request was not answered by the time promised: admins and front desk. */
  @IsFlag({ optional: true, example: true })
  readonly replyOverdue?: boolean;

  /** A webhook endpoint kept failing and was disabled: admins. */
  @IsFlag({ optional: true, example: false })
  readonly webhookEndpointDisabled?: boolean;

  /** A staff account was deleted and API keys it created keep working: admins. */
  @IsFlag({ optional: true, example: true })
  readonly apiKeysOfDeletedUser?: boolean;
}

/** A refresh token as login and refresh hand it out. */
export class RefreshTokenRequest {
  @MaxLength(100)
  @MinLength(1)
  @IsString()
  @ApiProperty({ minLength: 1, maxLength: 100, example: 'wcr_Qm9vdHN0cmFwIHRoZSBzZXNzaW9uIHdpdGggYSByZWZyZXNo' })
  readonly refreshToken!: string;
}

export class PasswordResetRequest {
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim().toLowerCase() : value))
  @MaxLength(254)
  @IsEmail({}, { message: 'email must be an email address' })
  @ApiProperty({ format: 'email', maxLength: 254, example: 'dana@wellclinic.example' })
  readonly email!: string;
}

export class PasswordResetConfirmRequest {
  @MaxLength(100)
  @MinLength(1)
  @IsString()
  @ApiProperty({
    minLength: 1,
    maxLength: 100,
    description: 'From the link in the email (`?token=`).',
    example: 'wcp_Qm9vdHN0cmFwIHRoZSBzZXNzaW9uIHdpdGggYSByZWZyZXNo',
  })
  readonly token!: string;

  @IsAcceptablePassword()
  readonly password!: string;
}
