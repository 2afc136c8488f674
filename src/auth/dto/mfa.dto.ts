import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsJWT, IsString, Matches, MaxLength, MinLength, ValidateIf } from 'class-validator';
import { PASSWORD_MAX_LENGTH } from '../../users/index.js';

/** A 6-digit code of the authenticator app. */
function IsTotpCode(): PropertyDecorator {
  return (target, key) => {
    // The type rule first, as the stacked decorators elsewhere register it.
    IsString()(target, key);
    Matches(/^\d{6}$/, { message: `${String(key)} must be 6 digits` })(target, key);
  };
}

/** The current password and a code: turning the second factor on or off. */
export class ConfirmTotpRequest {
  @MaxLength(PASSWORD_MAX_LENGTH)
  @MinLength(1)
  @IsString()
  @ApiProperty({ minLength: 1, maxLength: PASSWORD_MAX_LENGTH, example: 'the-current-passphrase' })
  readonly password!: string;

  @IsTotpCode()
  @ApiProperty({ pattern: '^\\d{6}$', example: '492039', description: 'The code the authenticator app shows now.' })
  readonly code!: string;
}

export class DisableTotpRequest {
  @MaxLength(PASSWORD_MAX_LENGTH)
  @MinLength(1)
  @IsString()
  @ApiProperty({ minLength: 1, maxLength: PASSWORD_MAX_LENGTH, example: 'the-current-passphrase' })
  readonly password!: string;

  @IsTotpCode()
  @ApiProperty({ pattern: '^\\d{6}$', example: '492039' })
  readonly code!: string;
}

/** The second step of a sign-in: the challenge from `POST /auth/login` and one of a code or a recovery code. */
export class MfaLoginRequest {
  @MaxLength(2000)
  @IsJWT({ message: 'challengeToken must be the challengeToken of a sign-in' })
  @IsString()
  @ApiProperty({
    description: 'From `POST /api/v1/auth/login` (valid 5 minutes).',
    example: 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIwYjdlOWYzYyJ9.c2lnbmF0dXJl',
  })
  readonly challengeToken!: string;

  @ValidateIf((o: MfaLoginRequest) => o.code !== undefined)
  @IsTotpCode()
  @ApiPropertyOptional({ pattern: '^\\d{6}$', example: '492039', description: 'Either this or `recoveryCode`.' })
  readonly code?: string;

  @ValidateIf((o: MfaLoginRequest) => o.recoveryCode !== undefined)
  @Matches(/^[a-z0-9]{4}(?:[ -]?[a-z0-9]{4}){3}$/i, {
    message: 'recoveryCode must be a recovery code such as abcd-efgh-jkmn-pqrs',
  })
  @MaxLength(19)
  @IsString()
  @ApiPropertyOptional({
    example: 'k7wm-3fq2-x9tb-hn4c',
    description: 'One of the recovery codes shown at enrolment, instead of `code`; each works once.',
  })
  readonly recoveryCode?: string;
}

export class TotpEnrolmentResponse {
  @ApiProperty({
    description: 'Base32; type it into the authenticator app if the QR code cannot be scanned.',
    example: 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP',
  })
  readonly secret!: string;

  @ApiProperty({
    description: 'Show as a QR code for the authenticator app.',
    example:
      'otpauth://totp/Well%20Clinic:dana%40wellclinic.example?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=Well%20Clinic',
  })
  readonly otpauthUri!: string;
}

export class RecoveryCodesResponse {
  @ApiProperty({
    type: [String],
    minItems: 10,
    maxItems: 10,
    description: 'Shown this once: each signs in once in place of a code. Keep them somewhere safe, offline.',
    example: [
      'k7wm-3fq2-x9tb-hn4c',
      'p2rd-8vxe-m4ka-t6yj',
      'w9cs-5nbq-2hzf-r3ue',
      'a6tm-y8pk-4jwd-e7sx',
      'h3qv-c9ra-6mfu-n2bk',
      'z5ex-t2jh-8wcp-q4dm',
      'u7fb-k3ns-9yaq-v6re',
      'd4wh-r6mx-3kbt-j8pz',
      'g8ya-n5cv-7qes-b2wk',
      'm6jt-e4pr-5xhd-s9fa',
    ],
  })
  readonly recoveryCodes!: string[];
}

/** Instead of tokens, when the account has a second factor. */
export class MfaChallengeResponse {
  @ApiProperty({ enum: [true] })
  readonly mfaRequired!: true;

  @ApiProperty({
    description: 'Send it with a code to `POST /api/v1/auth/login/mfa` within 5 minutes.',
    example: 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIwYjdlOWYzYyJ9.c2lnbmF0dXJl',
  })
  readonly challengeToken!: string;
}
