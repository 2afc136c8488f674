import type { DataSource, EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';
import { groupCommitOf } from './group-commit.js';
import { insertTogether, type InsertTogetherOptions, type PendingRow } from './insert-together.js';

/**
 * The base of every `*.repository.ts`: one per aggregate, owning all of its SQL and TypeORM calls. Each method takes
 * an optional EntityManager, so that a service can compose several repositories in one transaction; without one it
 * runs on its own connection.
 */
export abstract class AggregateRepository<E extends ObjectLiteral> {
  protected constructor(
    protected readonly dataSource: DataSource,
    protected readonly target: EntityTarget<E>,
  ) {}

  /** The transaction's manager when given, else the data source's. */
  protected manager(manager?: EntityManager): EntityManager {
    return manager ?? this.dataSource.manager;
  }

  /**
   * Inserts rows that their repositories prepared in one statement, atomic on its own: see `insertTogether`. Outside a
   * transaction, concurrent calls may share their statement (`GroupCommit`, DB_GROUP_COMMIT).
   */
  insertTogether(
    rows: readonly PendingRow[],
    options?: InsertTogetherOptions,
    manager?: EntityManager,
  ): Promise<boolean> {
    const group = manager === undefined ? groupCommitOf(this.dataSource) : undefined;
    return group ? group.insert(rows, options) : insertTogether(this.manager(manager), rows, options);
  }

  /** Runs `work` in one transaction (a new one: nest by passing its manager on instead). */
  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }
}
