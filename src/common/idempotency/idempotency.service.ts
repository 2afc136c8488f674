import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Clock } from '../clock/clock.js';
import { DataCipher } from '../crypto/data-cipher.js';
import { AppException } from '../errors/app-exception.js';
import { validationFailed } from '../validation/validation-pipe.js';
import type { PendingRow, SqlCondition } from '../persistence/insert-together.js';
import { IdempotencyKeysRepository } from './idempotency-keys.repository.js';

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

/** Thrown inside `run`'s transaction when `insertOnce`'s condition failed: rolls the key's claim back. */
class ConditionFailed extends Error {}

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
    private readonly keys: IdempotencyKeysRepository,
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
      return { ...(await this.keys.transaction(work)), replayed: false };
    }
    const { key, requestHash } = this.fingerprint(scope, client, clientKey, body);
    return this.keys.transaction(async (manager) => {
      const now = this.clock.now();
      const claim = {
        scope,
        key,
        requestHash,
        createdAt: now,
        expiresAt: new Date(now.getTime() + IDEMPOTENCY_TTL_MS),
      };
      if (!(await this.keys.claim(claim, manager))) {
        const existing = await this.keys.findExisting(scope, key, manager);
        if (existing.expiresAt <= now) {
          await this.keys.delete(scope, key, manager);
          await this.keys.claim(claim, manager);
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
      await this.keys.storeResponse(scope, key, response.status, response.body, manager);
      return { ...response, replayed: false };
    });
  }

  /**
   * `run` for a change that is only inserts whose response is known before they are made (a receipt): the key, its
   * response and the rows go to the database in one statement (`insertTogether`), one round trip instead of a
   * transaction of several. Only when the key exists already (a retry, an expired key, a concurrent twin) does it
   * fall back to `run`, which replays, refuses (422) or replaces the expired key.
   *
   * With `onlyIf`, nothing (not the key either) is stored unless that condition holds in the same statement; then the
   * answer is undefined, for the caller to say why. A replay still replays: it answers what was stored before.
   */
  async insertOnce<T>(
    scope: string,
    client: string,
    clientKey: string | undefined,
    body: unknown,
    rows: readonly PendingRow[],
    response: StoredResponse<T>,
    onlyIf?: SqlCondition,
  ): Promise<(StoredResponse<T> & { replayed: boolean }) | undefined> {
    if (clientKey === undefined) {
      return (await this.keys.insertTogether(rows, { onlyIf })) ? { ...response, replayed: false } : undefined;
    }
    const { key, requestHash } = this.fingerprint(scope, client, clientKey, body);
    const now = this.clock.now();
    const claim = this.keys.claimRow({
      scope,
      key,
      requestHash,
      responseStatus: response.status,
      responseBody: response.body,
      createdAt: now,
      expiresAt: new Date(now.getTime() + IDEMPOTENCY_TTL_MS),
    });
    if (await this.keys.insertTogether([claim, ...rows], { unlessFirstExists: true, onlyIf })) {
      return { ...response, replayed: false };
    }
    // The key exists, or the condition failed: in a transaction, the claim tells which.
    try {
      return await this.run(scope, client, clientKey, body, async (m) => {
        if (!(await this.keys.insertTogether(rows, { onlyIf }, m))) throw new ConditionFailed();
        return response;
      });
    } catch (error) {
      if (error instanceof ConditionFailed) return undefined;
      throw error;
    }
  }

  /** The stored key, a keyed hash of (client, key): length-prefixed, so no (client, key) pair reads as another. */
  private fingerprint(scope: string, client: string, clientKey: string, body: unknown) {
    return {
      key: this.cipher.blindIndex(`${client.length}:${client}:${clientKey}`, `idempotency-key:${scope}`),
      requestHash: this.cipher.blindIndex(canonicalJson(body), `idempotency:${scope}`),
    };
  }
}
