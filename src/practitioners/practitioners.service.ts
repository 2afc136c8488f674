import { ARTICLES_CACHE_TAG } from '../articles/index.js';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { AuditContext } from '../common/audit/audit-log.js';
import { AppException } from '../common/errors/app-exception.js';
import { pageWindow, toPage, type Page } from '../common/pagination/pagination.js';
import { notFound, VersionedWrites, type WriteScope } from '../common/persistence/versioned-writes.js';
import { ReadReplicas } from '../database/read-replicas.js';
import {
  type NamedBy,
  PRACTITIONERS_CACHE_TAG,
  SERVICES_CACHE_TAG,
  stillNamed,
  unknownReference,
} from '../services/index.js';
import type {
  AdminListPractitionersQuery,
  CreatePractitionerRequest,
  ListPractitionersQuery,
  UpdatePractitionerRequest,
} from './dto/practitioner.requests.js';
import { PRACTITIONER_LOCATION_FK, PRACTITIONER_SERVICE_FK } from './practitioner-links.entity.js';
import { changedFields, NEW_PRACTITIONER, practitionerColumns } from './practitioner-content.js';
import { DirectoryPhotos } from '../locations/index.js';
import type { LinkedPractitioner, PractitionerView } from './practitioner-view.js';
import type { Practitioner } from './practitioner.entity.js';
import { PractitionersRepository } from './practitioners.repository.js';

/** The foreign keys that name a practitioner, and who they mean: deleting a practitioner they name is 409. */
const PRACTITIONER_REFERENCES: readonly NamedBy[] = [
  { constraint: 'FK_contact_requests_preferred_practitioner', who: 'contact requests' },
];

/**
 * What a change to a practitioner (or to their photo's media item) clears: their public responses, the service pages
 * that list who offers them, and articles, which show their author's slug, photo and whether it is published.
 */
export const PRACTITIONER_CACHE_TAGS: readonly string[] = [
  PRACTITIONERS_CACHE_TAG,
  SERVICES_CACHE_TAG,
  ARTICLES_CACHE_TAG,
];

const WRITE: WriteScope = {
  invalidates: PRACTITIONER_CACHE_TAGS,
  conflicts: [
    {
      key: /slug/,
      error: () =>
        new AppException('conflict', 'Another practitioner has this slug.', { extensions: { field: 'slug' } }),
    },
  ],
};

/** Unknown service or location slugs fail the write on their foreign keys: a 400 naming the field. */
const unknownLinks = (error: unknown): unknown =>
  unknownReference(error, [
    { constraint: PRACTITIONER_SERVICE_FK, field: 'services', noun: 'service' },
    { constraint: PRACTITIONER_LOCATION_FK, field: 'locations', noun: 'location' },
  ]);

/** A practitioner for staff: every link, and the old slugs. */
export interface AdminPractitionerView extends PractitionerView {
  previousSlugs: string[];
}

@Injectable()
export class PractitionersService {
  constructor(
    private readonly practitioners: PractitionersRepository,
    private readonly writes: VersionedWrites,
    private readonly replicas: ReadReplicas,
    private readonly photos: DirectoryPhotos,
  ) {}

  /** Published practitioners matching the filters, with their published services and locations. */
  async listPublic(query: ListPractitionersQuery): Promise<Page<PractitionerView>> {
    return this.replicas.read(PRACTITIONERS_CACHE_TAG, async ({ manager }) => {
      const [rows, total] = await this.practitioners.findPage(
        { ...filterOf(query), published: true },
        pageWindow(query),
        manager,
      );
      return toPage(await this.withPhotos(await this.practitioners.views(rows, true, manager)), total, query);
    });
  }

  /** A published practitioner by slug, the current slug of one that had it before (a redirect), or 404. */
  async getPublic(slug: string): Promise<{ view: PractitionerView } | { movedTo: string }> {
    return this.replicas.read(PRACTITIONERS_CACHE_TAG, async ({ manager }) => {
      const practitioner = await this.practitioners.findBySlug(slug, manager);
      if (practitioner?.published) {
        const [view] = await this.withPhotos(await this.practitioners.views([practitioner], true, manager));
        return { view };
      }
      const renamed = practitioner ? null : await this.practitioners.renamedTo(slug, manager);
      if (renamed?.published) return { movedTo: renamed.slug };
      throw new AppException('not_found', 'No published practitioner has this slug.');
    });
  }

  async list(query: AdminListPractitionersQuery): Promise<Page<AdminPractitionerView>> {
    const [rows, total] = await this.practitioners.findPage(
      { ...filterOf(query), published: query.published },
      pageWindow(query),
    );
    return toPage(await this.adminViews(rows), total, query);
  }

  async get(id: string): Promise<AdminPractitionerView> {
    const practitioner = await this.practitioners.findById(id);
    if (!practitioner) throw notFound(this.practitioners.noun);
    const [view] = await this.adminViews([practitioner]);
    return view;
  }

  async create(body: CreatePractitionerRequest, ctx: AuditContext): Promise<AdminPractitionerView> {
    const practitioner = await this.write(async (manager) => {
      await this.photos.claim(body.photo?.mediaId, manager);
      await this.practitioners.dropRedirect(body.slug, manager);
      const created = await this.practitioners.insert(
        {
          ...NEW_PRACTITIONER,
          ...practitionerColumns(body),
          createdBy: ctx.actor.id,
          updatedBy: ctx.actor.id,
        },
        manager,
      );
      await this.practitioners.replaceLinks(
        created.id,
        { services: body.services ?? [], locations: body.locations ?? [] },
        manager,
      );
      await this.writes.audit(manager, this.practitioners, created, ctx, {
        action: 'practitioner.created',
        metadata: { slug: created.slug, published: created.published },
      });
      return created;
    });
    return this.get(practitioner.id);
  }

  /** A new slug keeps the old one as a redirect. Lists (and the services and locations) are replaced whole. */
  async update(
    id: string,
    body: UpdatePractitionerRequest,
    ifMatch: string | undefined,
    ctx: AuditContext,
  ): Promise<AdminPractitionerView> {
    await this.write(async (manager) => {
      const practitioner = await this.writes.lock(manager, this.practitioners, id, ifMatch);
      const before = (await this.practitioners.views([practitioner], false, manager))[0];
      const changes = practitionerColumns(body);
      const fields = changedFields(practitioner, changes);
      const links = {
        services: body.services && !sameSet(body.services, before.services) ? body.services : undefined,
        locations:
          body.locations &&
          !sameSet(
            body.locations,
            before.locations.map((l) => l.slug),
          )
            ? body.locations
            : undefined,
      };
      if (links.services) fields.push('services');
      if (links.locations) fields.push('locations');
      if (fields.length === 0) return;
      if (fields.includes('photoMediaId')) await this.photos.claim(changes.photoMediaId, manager);
      const oldSlug = practitioner.slug;
      if (changes.slug !== undefined && changes.slug !== oldSlug) {
        await this.practitioners.dropRedirect(changes.slug, manager);
        await this.practitioners.redirect(oldSlug, practitioner.id, manager);
      }
      await this.practitioners.replaceLinks(practitioner.id, links, manager);
      Object.assign(practitioner, changes);
      await this.writes.saveVersion(manager, this.practitioners, practitioner, ctx, {
        action: 'practitioner.updated',
        metadata: { fields },
      });
    });
    return this.get(id);
  }

  /** 409 while contact requests name them (unpublish them instead): what a person asked for stays. */
  remove(id: string, ifMatch: string | undefined, ctx: AuditContext): Promise<void> {
    return this.writes
      .transaction(WRITE, async (manager) => {
        const practitioner = await this.writes.lock(manager, this.practitioners, id, ifMatch);
        await this.practitioners.delete(id, manager);
        await this.writes.audit(manager, this.practitioners, practitioner, ctx, {
          action: 'practitioner.deleted',
          metadata: { slug: practitioner.slug },
        });
      })
      .catch((error: unknown) => {
        throw stillNamed(
          error,
          PRACTITIONER_REFERENCES,
          'The practitioner',
          'unpublish them instead, or change those first',
        );
      });
  }

  private async adminViews(rows: Practitioner[]): Promise<AdminPractitionerView[]> {
    const views = await this.withPhotos(await this.practitioners.views(rows, false));
    const previous = await this.practitioners.previousSlugs(rows.map((p) => p.id));
    return views.map((view) => ({ ...view, previousSlugs: previous.get(view.practitioner.id) ?? [] }));
  }

  private async withPhotos(views: LinkedPractitioner[]): Promise<PractitionerView[]> {
    const photos = await this.photos.of(views.map((v) => v.practitioner));
    return views.map((view, i) => ({ ...view, photo: photos[i] }));
  }

  private write<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.writes.transaction(WRITE, work).catch((error: unknown) => {
      throw unknownLinks(error);
    });
  }
}

function filterOf(query: ListPractitionersQuery) {
  return {
    specialty: query.specialty,
    language: query.language,
    service: query.service,
    location: query.location,
    telehealth: query.telehealth,
    acceptingNewClients: query.acceptingNewClients,
  };
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x) => b.includes(x));
}
