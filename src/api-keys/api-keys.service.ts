import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, IsNull } from 'typeorm';
import { AuditService, type AuditContext } from '../audit/audit.service.js';
import { Clock } from '../common/clock/clock.js';
import { AppException } from '../common/errors/app-exception.js';
import { validationFailed } from '../common/validation/validation-pipe.js';
import { pageWindow, toPage, type Page, type PaginationQueryDto } from '../common/pagination/pagination.js';
import { generateApiKeySecret, hashApiKeySecret, looksLikeApiKey } from './api-key-secret.js';
import { ApiKey } from './api-key.entity.js';
import type { CreateApiKeyRequest } from './dto/api-key.requests.js';

/** `lastUsedAt` is written at most this often per key, so a busy integration does not write on every call. */
const LAST_USED_RESOLUTION_MS = 60_000;

@Injectable()
export class ApiKeysService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  async list(query: PaginationQueryDto): Promise<Page<ApiKey>> {
    const [rows, total] = await this.dataSource
      .getRepository(ApiKey)
      .findAndCount({ order: { createdAt: 'DESC', id: 'ASC' }, ...pageWindow(query) });
    return toPage(rows, total, query);
  }

  async get(id: string): Promise<ApiKey> {
    const key = await this.dataSource.getRepository(ApiKey).findOneBy({ id });
    if (!key) throw new AppException('not_found', 'No API key with this id.');
    return key;
  }

  /** Returns the key and its secret; the secret is not stored and cannot be shown again. */
  create(
    input: CreateApiKeyRequest,
    ctx: AuditContext,
    now = this.clock.now(),
  ): Promise<{ key: ApiKey; secret: string }> {
    const expiresAt = input.expiresAt ? new Date(input.expiresAt) : null;
    if (expiresAt && expiresAt <= now) {
      throw validationFailed([{ field: 'expiresAt', message: 'expiresAt must be in the future' }]);
    }
    const { secret, prefix, hash } = generateApiKeySecret();
    return this.dataSource.transaction(async (manager) => {
      const key = await manager.save(
        manager.create(ApiKey, {
          name: input.name,
          prefix,
          secretHash: hash,
          scopes: [...input.scopes].sort(),
          createdBy: ctx.actor.id,
          expiresAt,
        }),
      );
      await this.audit.record(manager, ctx, {
        action: 'api_key.created',
        entityType: 'api_key',
        entityId: key.id,
        metadata: { scopes: key.scopes },
      });
      return { key, secret };
    });
  }

  /** Revoking is final and idempotent. */
  revoke(id: string, ctx: AuditContext, now = this.clock.now()): Promise<void> {
    return this.dataSource.transaction(async (manager) => {
      const key = await manager.findOne(ApiKey, { where: { id }, lock: { mode: 'pessimistic_write' } });
      if (!key) throw new AppException('not_found', 'No API key with this id.');
      if (key.revokedAt) return;
      await manager.update(ApiKey, { id }, { revokedAt: now });
      await this.audit.record(manager, ctx, { action: 'api_key.revoked', entityType: 'api_key', entityId: id });
    });
  }

  /** The key for a presented secret, if it is valid now. */
  async authenticate(secret: string, now = this.clock.now()): Promise<ApiKey | undefined> {
    if (!looksLikeApiKey(secret)) return undefined;
    const key = await this.dataSource
      .getRepository(ApiKey)
      .findOneBy({ secretHash: hashApiKeySecret(secret), revokedAt: IsNull() });
    return key && !(key.expiresAt && key.expiresAt <= now) ? key : undefined;
  }

  /** Records that a key was used for a request it was allowed to make. */
  async markUsed(key: ApiKey, now = this.clock.now()): Promise<void> {
    if (!key.lastUsedAt || now.getTime() - key.lastUsedAt.getTime() >= LAST_USED_RESOLUTION_MS) {
      await this.dataSource.getRepository(ApiKey).update({ id: key.id }, { lastUsedAt: now });
    }
  }
}
