import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { AuditLog, type AuditContext, type AuditRecord } from '../audit/audit-log.js';
import { AppException } from '../errors/app-exception.js';
import { isUniqueViolation } from '../errors/database-errors.js';
import { assertIfMatch } from '../http/if-match.js';
import { ResponseCache } from '../http/caching/index.js';
import type { PendingRow } from './insert-together.js';
import type { VersionedEntity } from './versioned.entity.js';
import type { VersionedRepository } from './versioned.repository.js';

/** What a write may touch beyond its own rows. */
export interface WriteScope {
  /** Response-cache tags whose entries the write may change: dropped when the transaction ends, committed or not. */
  invalidates?: readonly string[];
  /** Unique indexes whose violation is the client's conflict (two writers racing for one slug), not a failure. */
  conflicts?: readonly { key: RegExp; error: () => Error }[];
}

/** What a change did, for its audit record; `undefined` from a mutation means it changed nothing. */
export type ChangeRecord = Omit<AuditRecord, 'entityType' | 'entityId'>;

/** A change record, or how to make it from the saved entity (when it names the version the change made). */
export type ChangeRecordOf<E> = ChangeRecord | ((saved: E) => ChangeRecord);

/**
 * The one write path of versioned records: lock the row, 404 when it is missing, 412 when `If-Match` names another
 * version, apply the change, bump `version` and `updatedBy`, record the audit event in the same transaction, and
 * forget the cached responses it may have changed once the transaction ends. Provided by each feature module that
 * writes versioned records (it needs the AuditModule's AuditLog).
 */
@Injectable()
export class VersionedWrites {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly cache: ResponseCache,
    private readonly auditLog: AuditLog,
  ) {}

  /** Runs `work` in one transaction, mapping the scope's unique violations and invalidating its cache tags. */
  async transaction<T>(scope: WriteScope, work: (manager: EntityManager) => Promise<T>): Promise<T> {
    try {
      return await this.dataSource.transaction(work);
    } catch (error) {
      const conflict = scope.conflicts?.find((c) => isUniqueViolation(error, c.key));
      throw conflict ? conflict.error() : error;
    } finally {
      for (const tag of scope.invalidates ?? []) this.cache.invalidate(tag);
    }
  }

  /** The row locked for this transaction: 404 when there is none, 412 when `ifMatch` does not match its version. */
  async lock<E extends VersionedEntity>(
    manager: EntityManager,
    repository: VersionedRepository<E>,
    id: string,
    ifMatch: string | undefined,
  ): Promise<E> {
    const entity = await repository.findForUpdate(id, manager);
    if (!entity) throw notFound(repository.noun);
    assertIfMatch(ifMatch, entity.version, repository.noun);
    return entity;
  }

  /**
   * Saves a change as the next version, stamped with its author, and records it in the audit log. `record` may be a
   * function of the saved record, for metadata that names the new version.
   */
  async saveVersion<E extends VersionedEntity>(
    manager: EntityManager,
    repository: VersionedRepository<E>,
    entity: E,
    ctx: AuditContext,
    record: ChangeRecordOf<E>,
  ): Promise<void> {
    entity.version += 1;
    if ('updatedBy' in entity) (entity as { updatedBy: string | null }).updatedBy = ctx.actor.id;
    await repository.save(entity, manager);
    await this.audit(manager, repository, entity, ctx, typeof record === 'function' ? record(entity) : record);
  }

  /** The event about this record (its type and id filled in) as a row, for `insertTogether`. */
  auditRow<E extends VersionedEntity>(
    repository: VersionedRepository<E>,
    entity: Pick<E, 'id'>,
    ctx: AuditContext,
    record: ChangeRecord,
  ): PendingRow {
    return this.auditLog.row(ctx, { ...record, entityType: entityType(repository), entityId: entity.id });
  }

  /** Records an event about this record (its type and id filled in), in the caller's transaction. */
  audit<E extends VersionedEntity>(
    manager: EntityManager,
    repository: VersionedRepository<E>,
    entity: Pick<E, 'id'>,
    ctx: AuditContext,
    record: ChangeRecord,
  ): Promise<void> {
    return this.auditLog.record(manager, ctx, { ...record, entityType: entityType(repository), entityId: entity.id });
  }

  /**
   * The whole sequence in the caller's transaction: lock (404, 412), `mutate`, then — unless it returned
   * `undefined` for "nothing changed" — save the next version and audit it.
   */
  async change<E extends VersionedEntity>(
    manager: EntityManager,
    repository: VersionedRepository<E>,
    id: string,
    ifMatch: string | undefined,
    ctx: AuditContext,
    mutate: (entity: E) => ChangeRecordOf<E> | undefined | Promise<ChangeRecordOf<E> | undefined>,
  ): Promise<{ entity: E; changed: boolean }> {
    const entity = await this.lock(manager, repository, id, ifMatch);
    const record = await mutate(entity);
    if (!record) return { entity, changed: false };
    await this.saveVersion(manager, repository, entity, ctx, record);
    return { entity, changed: true };
  }
}

export function notFound(noun: string): AppException {
  return new AppException('not_found', `No ${noun} has this id.`);
}

/** "contact request" → "contact_request": the audit log's entity type. */
function entityType(repository: { noun: string }): string {
  return repository.noun.replace(/ /g, '_');
}
