import { Injectable } from '@nestjs/common';
import { AuditLog, type AuditContext } from '../common/audit/audit-log.js';
import { Clock } from '../common/clock/clock.js';
import { AppException } from '../common/errors/app-exception.js';
import { validationFailed } from '../common/validation/validation-pipe.js';
import { pageWindow, toPage, type Page, type PaginationQueryDto } from '../common/pagination/pagination.js';
import { generateApiKeySecret, hashApiKeySecret, looksLikeApiKey } from './api-key-secret.js';
import { ApiKeyVerificationCache } from './api-key-verification-cache.js';
import type { ApiKey } from './api-key.entity.js';
import { ApiKeysRepository } from './api-keys.repository.js';
import type { CreateApiKeyRequest } from './dto/api-key.requests.js';

/** `lastUsedAt` is written at most this often per key, so a busy integration does not write on every call. */
const LAST_USED_RESOLUTION_MS = 60_000;

@Injectable()
export class ApiKeysService {
  /** What the database said of each presented secret, for 10 s: a key on every request costs no query each time. */
  private readonly verified: ApiKeyVerificationCache;

  constructor(
    private readonly keys: ApiKeysRepository,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
  ) {
    this.verified = new ApiKeyVerificationCache(() => this.clock.now().getTime());
  }

  async list(query: PaginationQueryDto): Promise<Page<ApiKey>> {
    const [rows, total] = await this.keys.findPage(pageWindow(query));
    return toPage(rows, total, query);
  }

  async get(id: string): Promise<ApiKey> {
    const key = await this.keys.findById(id);
    if (!key) throw notFound();
    return key;
  }

  /** Returns the key and its secret; the secret is not stored and cannot be shown again. */
  async create(
    input: CreateApiKeyRequest,
    ctx: AuditContext,
    now = this.clock.now(),
  ): Promise<{ key: ApiKey; secret: string }> {
    const expiresAt = input.expiresAt ? new Date(input.expiresAt) : null;
    if (expiresAt && expiresAt <= now) {
      throw validationFailed([{ field: 'expiresAt', message: 'expiresAt must be in the future' }]);
    }
    const { secret, prefix, hash } = generateApiKeySecret();
    return this.keys.transaction(async (manager) => {
      // An account deleted since its token was checked creates nothing (and would not be reported as a creator).
      if (ctx.actor.id === null || !(await this.keys.lockCreator(ctx.actor.id, manager))) {
        throw new AppException('unauthorized', 'This account no longer exists.');
      }
      const key = await this.keys.insert(
        {
          name: input.name,
          prefix,
          secretHash: hash,
          scopes: [...input.scopes].sort(),
          createdBy: ctx.actor.id,
          expiresAt,
        },
        manager,
      );
      await this.audit.record(manager, ctx, {
        action: 'api_key.created',
        entityType: 'api_key',
        entityId: key.id,
        metadata: { scopes: key.scopes },
      });
      // Read back with its creator, as every other answer about a key shows it.
      return { key: (await this.keys.findById(key.id, manager))!, secret };
    });
  }

  /**
   * Revoking is final and idempotent. This instance stops accepting the key as soon as the revocation commits;
   * the others within VERIFICATION_TTL_MS (10 s), when their cached verification of it lapses.
   */
  async revoke(id: string, ctx: AuditContext, now = this.clock.now()): Promise<void> {
    const secretHash = await this.keys.transaction(async (manager) => {
      const key = await this.keys.findForUpdate(id, manager);
      if (!key) throw notFound();
      if (!key.revokedAt) {
        await this.keys.markRevoked(id, now, manager);
        await this.audit.record(manager, ctx, { action: 'api_key.revoked', entityType: 'api_key', entityId: id });
      }
      return key.secretHash;
    });
    this.verified.forget(secretHash);
  }

  /** The key for a presented secret, if it is valid now (verified from memory for up to 10 s, expiry checked now). */
  async authenticate(secret: string, now = this.clock.now()): Promise<ApiKey | undefined> {
    if (!looksLikeApiKey(secret)) return undefined;
    return this.verify(hashApiKeySecret(secret), now);
  }

  /**
   * The key of a server-rendered website (`site` scope) for a secret presented on any route, if it is valid now.
   * `admitLookup` is asked first when answering would cost a database query (the secret is not in the verification
   * cache): false, and the secret counts as no key. Callers use it to bound how many unknown secrets one client can
   * make the database look up.
   */
  async siteKey(
    secret: string,
    admitLookup: () => Promise<boolean>,
    now = this.clock.now(),
  ): Promise<ApiKey | undefined> {
    if (!looksLikeApiKey(secret)) return undefined;
    const hash = hashApiKeySecret(secret);
    if (!this.verified.has(hash) && !(await admitLookup())) return undefined;
    const key = await this.verify(hash, now);
    return key?.scopes.includes('site') ? key : undefined;
  }

  /**
   * Records that a key was used for a request it was allowed to make. The key may be the cached one shared by
   * concurrent requests: its `lastUsedAt` is set before the write, so they do not all write.
   */
  async markUsed(key: ApiKey, now = this.clock.now()): Promise<void> {
    if (!key.lastUsedAt || now.getTime() - key.lastUsedAt.getTime() >= LAST_USED_RESOLUTION_MS) {
      key.lastUsedAt = now;
      await this.keys.markUsed(key.id, now);
    }
  }

  private async verify(secretHash: string, now: Date): Promise<ApiKey | undefined> {
    const key = await this.verified.lookup(secretHash, (hash) => this.keys.findUnrevokedBySecretHash(hash));
    return key && !(key.expiresAt && key.expiresAt <= now) ? key : undefined;
  }
}

function notFound(): AppException {
  return new AppException('not_found', 'No API key with this id.');
}
