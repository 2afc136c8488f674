import { Body, Controller, Delete, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AuditContext } from '../common/audit/audit-log.js';
import { Audit, Roles } from '../common/access/decorators.js';
import { Created } from '../common/http/response-headers.js';
import { ApiProblems } from '../common/openapi/api-problems.js';
import { ApiPageResponse, mapPage, type Page, PaginationQueryDto } from '../common/pagination/pagination.js';
import { UuidParam } from '../common/validation/decorators.js';
import { ApiKeysService } from './api-keys.service.js';
import { CreateApiKeyRequest } from './dto/api-key.requests.js';
import { ApiKeyResponse, CreatedApiKeyResponse, mapApiKey } from './dto/api-key.responses.js';

@ApiTags('api-keys')
@Controller('admin/api-keys')
@Roles('admin')
export class AdminApiKeysController {
  constructor(private readonly apiKeys: ApiKeysService) {}

  /**
   * Newest first, revoked and expired keys included: a key no longer works once `revokedAt` is set or `expiresAt`
   * has passed. `prefix` (the secret's first characters) tells keys apart. `lastUsedAt` counts only requests the
   * key was allowed to make and may be up to a minute behind.
   */
  @Get()
  @ApiOperation({ operationId: 'listApiKeys', summary: 'List integration keys (never their secrets)' })
  @ApiPageResponse(ApiKeyResponse)
  @ApiProblems('validation_failed')
  async list(@Query() query: PaginationQueryDto): Promise<Page<ApiKeyResponse>> {
    return mapPage(await this.apiKeys.list(query), mapApiKey);
  }

  /** The response is the only time the secret is shown: store it in the integration right away. */
  @Post()
  @ApiOperation({ operationId: 'createApiKey', summary: 'Create an integration key' })
  @Created(CreatedApiKeyResponse, '/api/v1/admin/api-keys/{id}')
  @ApiProblems('validation_failed')
  async create(@Body() body: CreateApiKeyRequest, @Audit() ctx: AuditContext): Promise<CreatedApiKeyResponse> {
    const { key, secret } = await this.apiKeys.create(body, ctx);
    return { ...mapApiKey(key), secret };
  }

  /**
   * Only a hash of the secret is stored, so a lost secret cannot be recovered: revoke the key and create a new one.
   * Revoked and expired keys are still returned; check `revokedAt` and `expiresAt`.
   */
  @Get(':id')
  @ApiOperation({ operationId: 'getApiKey', summary: 'One integration key (never its secret)' })
  @ApiOkResponse({ type: ApiKeyResponse })
  @ApiProblems('validation_failed', 'not_found')
  async get(@UuidParam('id') id: string): Promise<ApiKeyResponse> {
    return mapApiKey(await this.apiKeys.get(id));
  }

  /** Revocation is immediate and final; revoking a revoked key changes nothing. */
  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ operationId: 'revokeApiKey', summary: 'Revoke an integration key' })
  @ApiNoContentResponse({ description: 'Revoked.' })
  @ApiProblems('validation_failed', 'not_found')
  async revoke(@UuidParam('id') id: string, @Audit() ctx: AuditContext): Promise<void> {
    await this.apiKeys.revoke(id, ctx);
  }
}
