import { ApiProperty } from '@nestjs/swagger';
import { ROLES, type Role } from '../../common/access/roles.js';
import type { User } from '../user.entity.js';

export class UserResponse {
  @ApiProperty({ format: 'uuid' })
  readonly id!: string;

  @ApiProperty({ format: 'email', example: 'frontdesk@wellclinic.example' })
  readonly email!: string;

  @ApiProperty({ example: 'Dana Reyes' })
  readonly displayName!: string;

  @ApiProperty({ enum: ROLES, enumName: 'Role' })
  readonly role!: Role;

  @ApiProperty()
  readonly active!: boolean;

  @ApiProperty({ format: 'date-time', nullable: true, type: String })
  readonly lastLoginAt!: string | null;

  @ApiProperty({ description: 'A second factor (TOTP) is on: sign-in asks for a code.', example: true })
  readonly mfaEnabled!: boolean;

  @ApiProperty({ format: 'date-time' })
  readonly createdAt!: string;

  @ApiProperty({ format: 'date-time' })
  readonly updatedAt!: string;
}

/** The fields of a user that leave the API; the password hash, token version and second-factor secret never do. */
export function mapUser(user: User): UserResponse {
  return {
    id: user.id,
    email: user.email,
    displayName: user.displayName,
    role: user.role,
    active: user.active,
    lastLoginAt: user.lastLoginAt?.toISOString() ?? null,
    mfaEnabled: user.totpEnabledAt !== null,
    createdAt: user.createdAt.toISOString(),
    updatedAt: user.updatedAt.toISOString(),
  };
}
