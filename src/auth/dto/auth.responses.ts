import { ApiProperty } from '@nestjs/swagger';
import { UserResponse } from '../../users/index.js';

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

/**
 * Which email notices the signed-in user receives. Defaults by role: admins and front desk get new and overdue
 * contact requests, admins get disabled webhook endpoints; a notice the role cannot receive is always `false`.
 */
export class NotificationPreferencesResponse {
  @ApiProperty({ example: true })
  readonly newContactRequest!: boolean;

  @ApiProperty({ example: true })
  readonly replyOverdue!: boolean;

  @ApiProperty({ example: false })
  readonly webhookEndpointDisabled!: boolean;
}
