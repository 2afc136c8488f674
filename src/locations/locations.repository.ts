import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager, type FindOptionsWhere } from 'typeorm';
import { VersionedRepository } from '../common/persistence/versioned.repository.js';
import { Location } from './location.entity.js';

export interface LocationFilter {
  telehealthOnly?: boolean;
  published?: boolean;
}

@Injectable()
export class LocationsRepository extends VersionedRepository<Location> {
  readonly noun = 'location';

  constructor(@InjectDataSource() dataSource: DataSource) {
    super(dataSource, Location);
  }

  /** In the clinic's order, then by name. */
  findPage(
    filter: LocationFilter,
    window: { skip: number; take: number },
    manager?: EntityManager,
  ): Promise<[Location[], number]> {
    const where: FindOptionsWhere<Location> = Object.fromEntries(
      Object.entries(filter).filter(([, value]) => value !== undefined),
    );
    return this.manager(manager).findAndCount(Location, {
      where,
      order: { sortOrder: 'ASC', name: 'ASC', id: 'ASC' },
      ...window,
    });
  }

  findBySlug(slug: string, manager?: EntityManager): Promise<Location | null> {
    return this.manager(manager).findOneBy(Location, { slug });
  }

  /** The slugs of the locations (published or not) whose photo is this media item, alphabetically. */
  async slugsWithPhoto(mediaId: string, manager?: EntityManager): Promise<string[]> {
    const rows = await this.manager(manager).find(Location, {
      select: { slug: true },
      where: { photoMediaId: mediaId },
      order: { slug: 'ASC' },
    });
    return rows.map((row) => row.slug);
  }

  insert(fields: Partial<Location>, manager?: EntityManager): Promise<Location> {
    const m = this.manager(manager);
    return m.save(m.create(Location, fields));
  }

  async delete(id: string, manager?: EntityManager): Promise<void> {
    await this.manager(manager).delete(Location, { id });
  }
}
