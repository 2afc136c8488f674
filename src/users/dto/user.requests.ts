import { ApiProperty, ApiPropertyOptional, PartialType, PickType } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsEmail, ValidateIf } from 'class-validator';
import { PaginationQueryDto } from '../../common/pagination/pagination.js';
import { IsSort } from '../../common/pagination/sort.js';
import { IsOneOf, IsText, QueryBoolean } from '../../common/validation/decorators.js';
import { ROLES, type Role } from '../../common/access/roles.js';
import { IsAcceptablePassword } from '../acceptable-password.js';

const lowerTrim = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' ? value.trim().toLowerCase() : value;

export class CreateUserRequest {
  @Transform(lowerTrim)
  @IsEmail({}, { message: 'email must be an email address' })
  @ApiProperty({ format: 'email', maxLength: 254, example: 'frontdesk@wellclinic.example' })
  readonly email!: string;

  @IsText({ max: 100, example: 'Dana Reyes' })
  readonly displayName!: string;

  @IsOneOf(ROLES, { enumName: 'Role', example: 'frontdesk' })
  readonly role!: Role;

  @IsAcceptablePassword('email')
  readonly password!: string;
}

/** Every field optional, but `null` is never a value (skipNullProperties: false keeps null validated). */
export class UpdateUserRequest extends PartialType(PickType(CreateUserRequest, ['displayName', 'role', 'password']), {
  skipNullProperties: false,
}) {
  /** `false` deactivates the account: it can no longer sign in and its tokens stop working. */
  @ValidateIf((_, value) => value !== undefined)
  @IsBoolean()
  @ApiPropertyOptional()
  readonly active?: boolean;
}

export const USER_SORT_FIELDS = ['email', 'displayName', 'createdAt', 'lastLoginAt'] as const;
export type UserSortField = (typeof USER_SORT_FIELDS)[number];

export class ListUsersQuery extends PaginationQueryDto {
  @IsOneOf(ROLES, { optional: true, enumName: 'Role' })
  readonly role?: Role;

  @QueryBoolean({ optional: true })
  readonly active?: boolean;

  @IsSort(USER_SORT_FIELDS, 'email')
  readonly sort: string = 'email';
}
