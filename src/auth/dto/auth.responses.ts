import { ApiProperty } from '@nestjs/swagger';
import { UserResponse, type UserSession } from '../../users/index.js';

export class LoginResponse {
  @ApiProperty({
    description: 'Send as `Authorization: Bearer <accessToken>`.',
    example: 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIwYjdlOWYzYyJ9.c2lnbmF0dXJl',
  })
  readonly accessToken!: string;

  @ApiProperty({ enum: ['Bearer'] })
  readonly tokenType!: 'Bearer';

  @ApiProperty({ description: 'Seconds until the access token expires.', example: 900 })
  readonly expiresIn!: number;

  @ApiProperty({
    description:
      'Opaque, single use: `POST /api/v1/auth/refresh` exchanges it for a new pair, `POST /api/v1/auth/logout` ends the session. Keep it out of reach of scripts.',
    example: 'wcr_Qm9vdHN0cmFwIHRoZSBzZXNzaW9uIHdpdGggYSByZWZyZXNo',
  })
  readonly refreshToken!: string;

  @ApiProperty({
    format: 'date-time',
    description: 'When the session ends unless refreshed before (REFRESH_TOKEN_TTL, at most SESSION_MAX_AGE).',
  })
  readonly refreshTokenExpiresAt!: string;

  @ApiProperty({ format: 'uuid', description: 'The session these tokens belong to (see `GET /api/v1/auth/sessions`).' })
  readonly sessionId!: string;

  @ApiProperty({ type: UserResponse })
  readonly user!: UserResponse;
}

/** One of your sessions: where and when, as precisely as needed to recognize it and no more. */
export class SessionResponse {
  @ApiProperty({ format: 'uuid' })
  readonly id!: string;

  @ApiProperty({ description: 'From the User-Agent: browser and system.', example: 'Firefox on Linux' })
  readonly device!: string;

  @ApiProperty({
    type: String,
    nullable: true,
    description: 'The network (IPv4 /24, IPv6 /48), never the address.',
    example: '192.0.2.0/24',
  })
  readonly ipPrefix!: string | null;

  @ApiProperty({ format: 'date-time', description: 'The sign-in.' })
  readonly createdAt!: string;

  @ApiProperty({ format: 'date-time', description: 'The sign-in or the last refresh.' })
  readonly lastUsedAt!: string;

  @ApiProperty({ format: 'date-time' })
  readonly expiresAt!: string;

  @ApiProperty({ description: 'The session of the token this request was made with.' })
  readonly current!: boolean;
}

export function mapSession(session: UserSession, currentId: string | undefined): SessionResponse {
  return {
    id: session.id,
    device: session.device,
    ipPrefix: session.ipPrefix,
    createdAt: session.createdAt.toISOString(),
    lastUsedAt: session.lastUsedAt.toISOString(),
    expiresAt: session.expiresAt.toISOString(),
    current: session.id === currentId,
  };
}

/**
 * Which email notices the signed-in user receives. Defaults by role: admins and front desk get new and overdue
 * contact requests, admins get disabled webhook endpoints and the API keys a deleted account leaves working; a notice
 * the role cannot receive is always `false`.
 */
export class NotificationPreferencesResponse {
  @ApiProperty({ example: true })
  readonly newContactRequest!: boolean;

  @ApiProperty({ example: true })
  readonly replyOverdue!: boolean;

  @ApiProperty({ example: false })
  readonly webhookEndpointDisabled!: boolean;

  @ApiProperty({ example: true })
  readonly apiKeysOfDeletedUser!: boolean;
}
