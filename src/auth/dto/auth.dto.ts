import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsEmail, IsString, MaxLength, MinLength } from 'class-validator';
import { UserResponse } from '../../users/dto/user.response.js';
import { IsAcceptablePassword } from '../../users/dto/acceptable-password.js';
import { PASSWORD_MAX_LENGTH } from '../../users/password.js';

export class LoginRequest {
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim().toLowerCase() : value))
  @IsEmail({}, { message: 'email must be an email address' })
  @ApiProperty({ format: 'email', example: 'admin@example.com' })
  readonly email!: string;

  @MaxLength(PASSWORD_MAX_LENGTH)
  @MinLength(1)
  @IsString()
  @ApiProperty({ example: 'the password', maxLength: PASSWORD_MAX_LENGTH })
  readonly password!: string;
}

export class LoginResponse {
  @ApiProperty({
    description: 'Send as `Authorization: Bearer <accessToken>`.',
    example: 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIwYjdlOWYzYyJ9.c2lnbmF0dXJl',
  })
  readonly accessToken!: string;

  @ApiProperty({ enum: ['Bearer'] })
  readonly tokenType!: 'Bearer';

  @ApiProperty({ description: 'Seconds until the token expires.', example: 3600 })
  readonly expiresIn!: number;

  @ApiProperty({ type: UserResponse })
  readonly user!: UserResponse;
}

export class ChangePasswordRequest {
  @MaxLength(PASSWORD_MAX_LENGTH)
  @MinLength(1)
  @IsString()
  @ApiProperty({ maxLength: PASSWORD_MAX_LENGTH, example: 'the-current-passphrase' })
  readonly currentPassword!: string;

  @IsAcceptablePassword()
  readonly newPassword!: string;
}
