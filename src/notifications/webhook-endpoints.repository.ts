import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager, In, Like, Not } from 'typeorm';
import { AggregateRepository } from '../common/persistence/aggregate.repository.js';
import { WebhookEndpoint } from './webhook-endpoint.entity.js';

export type EndpointChanges = Partial<
  Pick<
    WebhookEndpoint,
    | 'url'
    | 'description'
    | 'events'
    | 'active'
    | 'secret'
    | 'previousSecret'
    | 'previousSecretExpiresAt'
    | 'source'
    | 'failingSince'
    | 'disabledAt'
  >
> & { updatedAt: Date };

/** Webhook endpoints (`webhook_endpoints`). */
@Injectable()
export class WebhookEndpointsRepository extends AggregateRepository<WebhookEndpoint> {
  constructor(@InjectDataSource() dataSource: DataSource) {
    super(dataSource, WebhookEndpoint);
  }

  async insert(endpoint: WebhookEndpoint, manager?: EntityManager): Promise<WebhookEndpoint> {
    const m = this.manager(manager);
    return m.save(WebhookEndpoint, m.create(WebhookEndpoint, endpoint));
  }

  /**
   * Inserts the endpoint of an environment URL unless it exists (the unique index on environment URLs); true when
   * this call made it. Instances starting together may both try: one inserts, the other finds it.
   */
  async insertEnvironment(endpoint: WebhookEndpoint, manager?: EntityManager): Promise<boolean> {
    const result = await this.manager(manager)
      .createQueryBuilder()
      .insert()
      .into(WebhookEndpoint)
      .values(endpoint)
      .orIgnore()
      .returning(['id'])
      .execute();
    return (result.raw as unknown[]).length > 0;
  }

  findEnvironment(url: string, manager?: EntityManager): Promise<WebhookEndpoint | null> {
    return this.manager(manager).findOneBy(WebhookEndpoint, { url, source: 'environment' });
  }

  findPage(window: { skip: number; take: number }, manager?: EntityManager): Promise<[WebhookEndpoint[], number]> {
    return this.manager(manager).findAndCount(WebhookEndpoint, { order: { createdAt: 'DESC', id: 'DESC' }, ...window });
  }

  findById(id: string, manager?: EntityManager): Promise<WebhookEndpoint | null> {
    return this.manager(manager).findOneBy(WebhookEndpoint, { id });
  }

  findByIds(ids: readonly string[], manager?: EntityManager): Promise<WebhookEndpoint[]> {
    return ids.length ? this.manager(manager).findBy(WebhookEndpoint, { id: In([...ids]) }) : Promise.resolve([]);
  }

  findForUpdate(id: string, manager: EntityManager): Promise<WebhookEndpoint | null> {
    return manager.findOne(WebhookEndpoint, { where: { id }, lock: { mode: 'pessimistic_write' } });
  }

  /** Endpoints with a secret not stored under the key whose values start with `currentPrefix`, locked. */
  findSecretsNotEncryptedWith(currentPrefix: string, manager: EntityManager): Promise<WebhookEndpoint[]> {
    const stale = Not(Like(`${currentPrefix}%`));
    return manager.find(WebhookEndpoint, {
      where: [{ secret: stale }, { previousSecret: stale }],
      order: { id: 'ASC' },
      lock: { mode: 'pessimistic_write' },
    });
  }

  async updateSecrets(
    id: string,
    secrets: Pick<WebhookEndpoint, 'secret' | 'previousSecret'>,
    manager: EntityManager,
  ): Promise<void> {
    await manager.update(WebhookEndpoint, { id }, secrets);
  }

  async update(id: string, changes: EndpointChanges, manager?: EntityManager): Promise<void> {
    await this.manager(manager).update(WebhookEndpoint, { id }, changes);
  }

  /** Deletes the endpoint and, by cascade, its deliveries; false when there was none. */
  async delete(id: string, manager?: EntityManager): Promise<boolean> {
    const { affected } = await this.manager(manager).delete(WebhookEndpoint, { id });
    return (affected ?? 0) > 0;
  }

  /** A delivery to the endpoint succeeded: it is no longer failing. */
  async markSucceeded(ids: readonly string[], manager?: EntityManager): Promise<void> {
    await this.manager(manager)
      .createQueryBuilder()
      .update(WebhookEndpoint)
      .set({ failingSince: null })
      .where('id IN (:...ids) AND failing_since IS NOT NULL', { ids })
      .execute();
  }

  /**
   * An attempt to the endpoint failed at `now`: it is failing since then unless it already was. When it has been
   * failing since `disableBefore` or earlier it is disabled: returns since when it failed then (to one caller only),
   * else null.
   */
  async markFailed(
    id: string,
    now: Date,
    disableBefore: Date,
    manager?: EntityManager,
  ): Promise<{ failingSince: Date } | null> {
    const m = this.manager(manager);
    await m
      .createQueryBuilder()
      .update(WebhookEndpoint)
      .set({ failingSince: now })
      .where('id = :id AND failing_since IS NULL', { id })
      .execute();
    const disabled = await m
      .createQueryBuilder()
      .update(WebhookEndpoint)
      .set({ active: false, disabledAt: now, updatedAt: now })
      .where('id = :id AND active AND failing_since <= :disableBefore', { id, disableBefore })
      .execute();
    if (!disabled.affected) return null;
    const { failingSince } = await m.findOneByOrFail(WebhookEndpoint, { id });
    return { failingSince: failingSince! };
  }
}
