import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager, In } from 'typeorm';
import { VersionedRepository } from '../common/persistence/versioned.repository.js';
import { Location } from '../locations/index.js';
import { Service } from '../services/index.js';
import { PractitionerLocation, PractitionerService } from './practitioner-links.entity.js';
import { PractitionerSlugRedirect } from './practitioner-slug.entity.js';
import type { LinkedPractitioner } from './practitioner-view.js';
import { Practitioner } from './practitioner.entity.js';

/** The list filters, combined; an absent one does not filter. */
export interface PractitionerFilter {
  specialty?: string;
  /** A BCP 47 tag or prefix: `es` finds `es` and `es-MX`. */
  language?: string;
  service?: string;
  location?: string;
  telehealth?: boolean;
  acceptingNewClients?: boolean;
  published?: boolean;
}

/**
 * The practitioner aggregate: practitioners, the services and locations they are linked to (cascading with them), and
 * their old slugs.
 */
@Injectable()
export class PractitionersRepository extends VersionedRepository<Practitioner> {
  readonly noun = 'practitioner';

  constructor(@InjectDataSource() dataSource: DataSource) {
    super(dataSource, Practitioner);
  }

  /** One page in the clinic's order (then by name), and how many match. */
  findPage(
    filter: PractitionerFilter,
    window: { skip: number; take: number },
    manager?: EntityManager,
  ): Promise<[Practitioner[], number]> {
    const q = this.manager(manager).createQueryBuilder(Practitioner, 'p');
    if (filter.published !== undefined) q.andWhere('p.published = :published', { published: filter.published });
    if (filter.telehealth !== undefined) q.andWhere('p.telehealth = :telehealth', { telehealth: filter.telehealth });
    if (filter.acceptingNewClients !== undefined) {
      q.andWhere('p.accepting_new_clients = :accepting', { accepting: filter.acceptingNewClients });
    }
    if (filter.specialty !== undefined) {
      q.andWhere('EXISTS (SELECT 1 FROM unnest(p.specialties) s WHERE lower(s) = lower(:specialty))', {
        specialty: filter.specialty,
      });
    }
    if (filter.language !== undefined) {
      q.andWhere(
        'EXISTS (SELECT 1 FROM unnest(p.languages) l WHERE lower(l) = lower(:language) OR lower(l) LIKE lower(:prefix))',
        { language: filter.language, prefix: `${filter.language.replace(/[%_\\]/g, '')}-%` },
      );
    }
    if (filter.service !== undefined) {
      q.andWhere(
        'EXISTS (SELECT 1 FROM practitioner_services ps WHERE ps.practitioner_id = p.id AND ps.service_slug = :service)',
        { service: filter.service },
      );
    }
    if (filter.location !== undefined) {
      q.andWhere(
        'EXISTS (SELECT 1 FROM practitioner_locations pl WHERE pl.practitioner_id = p.id AND pl.location_slug = :location)',
        { location: filter.location },
      );
    }
    return q
      .orderBy('p.sortOrder', 'ASC')
      .addOrderBy('p.name', 'ASC')
      .addOrderBy('p.id', 'ASC')
      .skip(window.skip)
      .take(window.take)
      .getManyAndCount();
  }

  findBySlug(slug: string, manager?: EntityManager): Promise<Practitioner | null> {
    return this.manager(manager).findOneBy(Practitioner, { slug });
  }

  /** The current slug of the practitioner that had `slug` before, if any. */
  async renamedTo(slug: string, manager?: EntityManager): Promise<Practitioner | null> {
    const redirect = await this.manager(manager).findOne(PractitionerSlugRedirect, {
      where: { slug },
      relations: { practitioner: true },
    });
    return redirect?.practitioner ?? null;
  }

  /**
   * The practitioners with their services' slugs and their locations (slug and name), in the services' and locations'
   * own order; with `publishedOnly`, only published services and locations (what the public sees).
   */
  async views(
    practitioners: readonly Practitioner[],
    publishedOnly: boolean,
    manager?: EntityManager,
  ): Promise<LinkedPractitioner[]> {
    if (practitioners.length === 0) return [];
    const m = this.manager(manager);
    const ids = practitioners.map((p) => p.id);
    const services = await m
      .createQueryBuilder(PractitionerService, 'ps')
      .innerJoin(Service, 's', 's.slug = ps.serviceSlug')
      .select(['ps.practitionerId AS "practitionerId"', 'ps.serviceSlug AS "slug"'])
      .where('ps.practitionerId IN (:...ids)', { ids })
      .andWhere(publishedOnly ? 's.published' : 'true')
      .orderBy('s.sortOrder', 'ASC')
      .addOrderBy('s.slug', 'ASC')
      .getRawMany<{ practitionerId: string; slug: string }>();
    const locations = await m
      .createQueryBuilder(PractitionerLocation, 'pl')
      .innerJoin(Location, 'l', 'l.slug = pl.locationSlug')
      .select(['pl.practitionerId AS "practitionerId"', 'pl.locationSlug AS "slug"', 'l.name AS "name"'])
      .where('pl.practitionerId IN (:...ids)', { ids })
      .andWhere(publishedOnly ? 'l.published' : 'true')
      .orderBy('l.sortOrder', 'ASC')
      .addOrderBy('l.slug', 'ASC')
      .getRawMany<{ practitionerId: string; slug: string; name: string }>();
    return practitioners.map((practitioner) => ({
      practitioner,
      services: services.filter((s) => s.practitionerId === practitioner.id).map((s) => s.slug),
      locations: locations
        .filter((l) => l.practitionerId === practitioner.id)
        .map(({ slug, name }) => ({ slug, name })),
    }));
  }

  /** The slugs of the practitioners (published or not) whose photo is this media item, alphabetically. */
  async slugsWithPhoto(mediaId: string, manager?: EntityManager): Promise<string[]> {
    const rows = await this.manager(manager).find(Practitioner, {
      select: { slug: true },
      where: { photoMediaId: mediaId },
      order: { slug: 'ASC' },
    });
    return rows.map((row) => row.slug);
  }

  insert(fields: Partial<Practitioner>, manager?: EntityManager): Promise<Practitioner> {
    const m = this.manager(manager);
    return m.save(m.create(Practitioner, fields));
  }

  /** Replaces the services (when given) and locations (when given) a practitioner is linked to. */
  async replaceLinks(
    practitionerId: string,
    links: { services?: readonly string[]; locations?: readonly string[] },
    manager: EntityManager,
  ): Promise<void> {
    if (links.services) {
      await manager.delete(PractitionerService, { practitionerId });
      if (links.services.length > 0) {
        await manager.insert(
          PractitionerService,
          links.services.map((serviceSlug) => ({ practitionerId, serviceSlug })),
        );
      }
    }
    if (links.locations) {
      await manager.delete(PractitionerLocation, { practitionerId });
      if (links.locations.length > 0) {
        await manager.insert(
          PractitionerLocation,
          links.locations.map((locationSlug) => ({ practitionerId, locationSlug })),
        );
      }
    }
  }

  /** Requests for `slug` are redirected (301) to the practitioner until another practitioner claims it. */
  async redirect(slug: string, practitionerId: string, manager: EntityManager): Promise<void> {
    await manager.upsert(PractitionerSlugRedirect, { slug, practitionerId }, ['slug']);
  }

  /** A slug now in use no longer redirects anywhere. */
  async dropRedirect(slug: string, manager: EntityManager): Promise<void> {
    await manager.delete(PractitionerSlugRedirect, { slug });
  }

  async previousSlugs(practitionerIds: readonly string[], manager?: EntityManager): Promise<Map<string, string[]>> {
    const rows =
      practitionerIds.length === 0
        ? []
        : await this.manager(manager).find(PractitionerSlugRedirect, {
            where: { practitionerId: In([...practitionerIds]) },
            order: { slug: 'ASC' },
          });
    const bySlug = new Map<string, string[]>(practitionerIds.map((id) => [id, []]));
    for (const row of rows) bySlug.get(row.practitionerId)?.push(row.slug);
    return bySlug;
  }

  /** Its links and old slugs go with it (ON DELETE CASCADE). */
  async delete(id: string, manager?: EntityManager): Promise<void> {
    await this.manager(manager).delete(Practitioner, { id });
  }
}
