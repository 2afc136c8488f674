import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { ArrayContains, DataSource, type EntityManager, type FindOptionsOrder, type FindOptionsWhere } from 'typeorm';
import type { SortTerm } from '../common/pagination/sort.js';
import { VersionedRepository } from '../common/persistence/versioned.repository.js';
import { Service, type ServiceAudience, type ServiceFormat } from './service.entity.js';

export interface ServiceFilter {
  audience?: ServiceAudience;
  format?: ServiceFormat;
  published?: boolean;
}

/** The public order: the clinic's, then by name. */
const PUBLIC_ORDER = { sortOrder: 'ASC', name: 'ASC', id: 'ASC' } as const;

@Injectable()
export class ServicesRepository extends VersionedRepository<Service> {
  readonly noun = 'service';

  constructor(@InjectDataSource() dataSource: DataSource) {
    super(dataSource, Service);
  }

  findPage(
    filter: ServiceFilter,
    sort: readonly SortTerm<Extract<keyof Service, string>>[] | undefined,
    window: { skip: number; take: number },
    manager?: EntityManager,
  ): Promise<[Service[], number]> {
    const order: FindOptionsOrder<Service> = sort
      ? Object.fromEntries([...sort.map((t): [string, 'ASC' | 'DESC'] => [t.field, t.direction]), ['id', 'ASC']])
      : PUBLIC_ORDER;
    return this.manager(manager).findAndCount(Service, { where: whereOf(filter), order, ...window });
  }

  findBySlug(slug: string, manager?: EntityManager): Promise<Service | null> {
    return this.manager(manager).findOneBy(Service, { slug });
  }

  /**
   * The published practitioners who offer the service, in the clinic's order. (A read of the practitioners feature's
   * tables, kept to this one query: that feature builds on services, so services cannot import it.)
   */
  offeredBy(slug: string, manager?: EntityManager): Promise<{ slug: string; name: string; credentials: string[] }[]> {
    return this.manager(manager).query(
      `SELECT p.slug, p.name, p.credentials FROM practitioners p
       JOIN practitioner_services ps ON ps.practitioner_id = p.id
       WHERE ps.service_slug = $1 AND p.published
       ORDER BY p.sort_order, p.name, p.id`,
      [slug],
    );
  }

  insert(fields: Partial<Service>, manager?: EntityManager): Promise<Service> {
    const m = this.manager(manager);
    return m.save(m.create(Service, fields));
  }

  async delete(id: string, manager?: EntityManager): Promise<void> {
    await this.manager(manager).delete(Service, { id });
  }
}

function whereOf(filter: ServiceFilter): FindOptionsWhere<Service> {
  return {
    ...(filter.audience ? { audiences: ArrayContains([filter.audience]) } : {}),
    ...(filter.format ? { formats: ArrayContains([filter.format]) } : {}),
    ...(filter.published !== undefined ? { published: filter.published } : {}),
  };
}
