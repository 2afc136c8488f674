import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { Clock } from '../clock/clock.js';
import { DataCipher } from '../crypto/data-cipher.js';
import { AppException } from '../errors/app-exception.js';
import { validationFailed } from '../validation/validation-pipe.js';
import { IdempotencyKey } from './idempotency-key.entity.js';

export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;
/** Visible ASCII, as in the IETF draft's examples (UUIDs, random tokens). */
const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

/** JSON with object keys sorted at every level: equal bodies give equal strings whatever the key order. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** The header's value, checked; undefined when absent. */
export function idempotencyKeyOf(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  if (!KEY_PATTERN.test(header)) {
    throw validationFailed([
      { field: 'Idempotency-Key', message: 'Idempotency-Key must be 1 to 255 visible ASCII characters' },
    ]);
  }
  return header;
}

/**
 * Whose key it is: the credential when there is one (the same user or API key from anywhere), else the address.
 * Keys are the client's own choice, so one client must never meet another's: not replay its answer, not probe
 * which keys exist, not block its retry with a 422.
 */
export function idempotencyClientOf(actor: { type: string; id: string | null }, ip: string): string {
  return actor.id !== null ? `${actor.type}:${actor.id}` : `ip:${ip}`;
}

export interface StoredResponse<T> {
  status: number;
  body: T;
}

/**
 * `Idempotency-Key` for operations that create something: a retry with the same key and the same body replays the
 * first response; the same key with another body is 422; keys expire after 24 hours. A key belongs to its client
 * (`idempotencyClientOf`): the row stores a keyed hash of (client, key), so the same key from another client is
 * another key, and neither the raw key nor the client's address is kept.
 *
 * The key row is inserted first, in the same transaction as the change, with `ON CONFLICT DO NOTHING`: of two
 * concurrent requests with one key, the second waits on the unique index until the first commits, then finds its
 * row and replays it (if the first rolls back, the second goes ahead). So one key never creates two things.
 * The body is compared by a keyed hash (no personal data is kept, not even hashed in a guessable way).
 */
@Injectable()
export class Idempotency {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly cipher: DataCipher,
  ) {}

  async run<T>(
    scope: string,
    client: string,
    clientKey: string | undefined,
    body: unknown,
    work: (manager: EntityManager) => Promise<StoredResponse<T>>,
  ): Promise<StoredResponse<T> & { replayed: boolean }> {
    if (clientKey === undefined) {
      return { ...(await this.dataSource.transaction(work)), replayed: false };
    }
    // Length-prefixed, so no (client, key) pair reads as another.
    const key = this.cipher.blindIndex(`${client.length}:${client}:${clientKey}`, `idempotency-key:${scope}`);
    const requestHash = this.cipher.blindIndex(canonicalJson(body), `idempotency:${scope}`);
    return this.dataSource.transaction(async (manager) => {
      const now = this.clock.now();
      const claimed = await this.claim(manager, scope, key, requestHash, now);
      if (!claimed) {
        const existing = await manager.findOneByOrFail(IdempotencyKey, { scope, key });
        if (existing.expiresAt <= now) {
          await manager.delete(IdempotencyKey, { scope, key });
          await this.claim(manager, scope, key, requestHash, now);
        } else {
          if (existing.requestHash !== requestHash) {
            throw new AppException(
              'unprocessable_entity',
              'This Idempotency-Key was already used with a different request body.',
            );
          }
          return { status: existing.responseStatus, body: existing.responseBody as T, replayed: true };
        }
      }
      const response = await work(manager);
      await manager.update(
        IdempotencyKey,
        { scope, key },
        { responseStatus: response.status, responseBody: response.body as object },
      );
      return { ...response, replayed: false };
    });
  }

  /** Inserts the key; false when it exists (after waiting for a concurrent inserter to finish). */
  private async claim(
    manager: EntityManager,
    scope: string,
    key: string,
    requestHash: string,
    now: Date,
  ): Promise<boolean> {
    const rows = await manager.query<unknown[]>(
      `INSERT INTO idempotency_keys (scope, key, request_hash, response_status, response_body, created_at, expires_at)
       VALUES ($1, $2, $3, 0, 'null', $4, $5) ON CONFLICT (scope, key) DO NOTHING RETURNING key`,
      [scope, key, requestHash, now, new Date(now.getTime() + IDEMPOTENCY_TTL_MS)],
    );
    return rows.length > 0;
  }
}

/** Deletes expired keys; returns how many. */
export async function purgeExpiredIdempotencyKeys(manager: EntityManager, now: Date): Promise<number> {
  const result = await manager
    .createQueryBuilder()
    .delete()
    .from(IdempotencyKey)
    .where('expires_at <= :now', { now })
    .execute();
  return result.affected ?? 0;
}
