import { ApiProperty } from '@nestjs/swagger';
import type { ApiKey } from '../api-key.entity.js';
import { API_KEY_SCOPES, type ApiKeyScope } from '../../common/access/scopes.js';

export class ApiKeyCreatorResponse {
  @ApiProperty({ format: 'uuid' })
  readonly id!: string;

  @ApiProperty({ type: String, nullable: true, example: 'Dana Whitfield', description: 'Null once deleted.' })
  readonly displayName!: string | null;

  @ApiProperty({ description: 'The account was deleted since: the key keeps working (keys belong to the clinic).' })
  readonly deleted!: boolean;
}

export class ApiKeyResponse {
  @ApiProperty({ format: 'uuid' })
  readonly id!: string;

  @ApiProperty({ example: 'Partner directory widget' })
  readonly name!: string;

  @ApiProperty({ example: 'wck_3kT9xQ2a', description: 'The first characters of the secret.' })
  readonly prefix!: string;

  @ApiProperty({ enum: API_KEY_SCOPES, enumName: 'ApiKeyScope', isArray: true })
  readonly scopes!: ApiKeyScope[];

  @ApiProperty({
    type: ApiKeyCreatorResponse,
    nullable: true,
    description: 'Who created it; null for a key made without an account (a script).',
  })
  readonly createdBy!: ApiKeyCreatorResponse | null;

  @ApiProperty({ format: 'date-time' })
  readonly createdAt!: string;

  @ApiProperty({ format: 'date-time', nullable: true, type: String })
  readonly lastUsedAt!: string | null;

  @ApiProperty({ format: 'date-time', nullable: true, type: String })
  readonly expiresAt!: string | null;

  @ApiProperty({ format: 'date-time', nullable: true, type: String })
  readonly revokedAt!: string | null;
}

export class CreatedApiKeyResponse extends ApiKeyResponse {
  @ApiProperty({
    description: 'The secret to send as X-API-Key. Shown only in this response.',
    example: 'wk_3q2Zs9VdR1pXo8LmN4tYb7cE0fGhJk6a',
  })
  readonly secret!: string;
}

export function mapApiKey(key: ApiKey): ApiKeyResponse {
  return {
    id: key.id,
    name: key.name,
    prefix: key.prefix,
    scopes: key.scopes,
    createdBy:
      key.createdBy === null
        ? null
        : { id: key.createdBy, displayName: key.creator?.displayName ?? null, deleted: !key.creator },
    createdAt: key.createdAt.toISOString(),
    lastUsedAt: key.lastUsedAt?.toISOString() ?? null,
    expiresAt: key.expiresAt?.toISOString() ?? null,
    revokedAt: key.revokedAt?.toISOString() ?? null,
  };
}
