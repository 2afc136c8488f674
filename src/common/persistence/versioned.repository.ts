import type { DataSource, EntityManager, EntityTarget, FindOptionsWhere } from 'typeorm';
import { AggregateRepository } from './aggregate.repository.js';
import type { VersionedEntity } from './versioned.entity.js';

/** The repository of an aggregate whose root is a VersionedEntity: what VersionedWrites needs of it. */
export abstract class VersionedRepository<E extends VersionedEntity> extends AggregateRepository<E> {
  /** Names the resource in problem details: "No article has this id.", "The article has changed…". */
  abstract readonly noun: string;

  protected constructor(dataSource: DataSource, target: EntityTarget<E>) {
    super(dataSource, target);
  }

  findById(id: string, manager?: EntityManager): Promise<E | null> {
    return this.manager(manager).findOne(this.target, { where: { id } as FindOptionsWhere<E> });
  }

  /** The row, locked until the transaction ends (`SELECT … FOR UPDATE`): concurrent writers queue behind it. */
  findForUpdate(id: string, manager: EntityManager): Promise<E | null> {
    return manager.findOne(this.target, {
      where: { id } as FindOptionsWhere<E>,
      lock: { mode: 'pessimistic_write' },
    });
  }

  save(entity: E, manager?: EntityManager): Promise<E> {
    return this.manager(manager).save(this.target, entity);
  }
}
