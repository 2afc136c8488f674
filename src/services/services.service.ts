import { Injectable } from '@nestjs/common';
import type { AuditContext } from '../common/audit/audit-log.js';
import { AppException } from '../common/errors/app-exception.js';
import { pageWindow, toPage, type Page } from '../common/pagination/pagination.js';
import { parseSort } from '../common/pagination/sort.js';
import { notFound, VersionedWrites, type WriteScope } from '../common/persistence/versioned-writes.js';
import { ReadReplicas } from '../database/read-replicas.js';
import {
  ADMIN_SERVICE_SORT_FIELDS,
  type AdminListServicesQuery,
  type CreateServiceRequest,
  type ListServicesQuery,
  type UpdateServiceRequest,
} from './dto/service.requests.js';
import type { ServicePractitionerResponse } from './dto/service.responses.js';
import { newServiceFields, serviceEdits } from './service-content.js';
import { type NamedBy, stillNamed } from './service-references.js';
import type { Service } from './service.entity.js';
import { ServicesRepository } from './services.repository.js';

/** The response cache tag of everything public about services: cleared by every service write. */
export const SERVICES_CACHE_TAG = 'services';

/** The response cache tag of practitioners' public responses: they list published services, so service writes clear it. */
export const PRACTITIONERS_CACHE_TAG = 'practitioners';

/** The foreign keys that name a service, and who they mean: deleting a service they name is 409. */
export const SERVICE_REFERENCES: readonly NamedBy[] = [
  { constraint: 'FK_testimonials_service', who: 'testimonials' },
  { constraint: 'FK_contact_requests_service_interest', who: 'contact requests' },
  { constraint: 'FK_practitioner_services_service', who: 'practitioners' },
];

const WRITE: WriteScope = {
  invalidates: [SERVICES_CACHE_TAG, PRACTITIONERS_CACHE_TAG],
  conflicts: [
    {
      key: /slug/,
      error: () => new AppException('conflict', 'Another service has this slug.', { extensions: { field: 'slug' } }),
    },
  ],
};

/** The public services (published only) and staff's management of them. */
@Injectable()
export class ServicesService {
  constructor(
    private readonly services: ServicesRepository,
    private readonly writes: VersionedWrites,
    private readonly replicas: ReadReplicas,
  ) {}

  /** Published services in the clinic's order (on a read replica when there is one). */
  async listPublic(query: ListServicesQuery): Promise<Page<Service>> {
    const [rows, total] = await this.replicas.read(SERVICES_CACHE_TAG, ({ manager }) =>
      this.services.findPage(
        { audience: query.audience, format: query.format, published: true },
        undefined,
        pageWindow(query),
        manager,
      ),
    );
    return toPage(rows, total, query);
  }

  /** A published service by slug with the published practitioners who offer it, or 404. */
  async getPublic(slug: string): Promise<{ service: Service; practitioners: ServicePractitionerResponse[] }> {
    return this.replicas.read(SERVICES_CACHE_TAG, async ({ manager }) => {
      const service = await this.services.findBySlug(slug, manager);
      if (!service?.published) throw new AppException('not_found', 'No published service has this slug.');
      return { service, practitioners: await this.services.offeredBy(slug, manager) };
    });
  }

  async list(query: AdminListServicesQuery): Promise<Page<Service>> {
    const [rows, total] = await this.services.findPage(
      { audience: query.audience, format: query.format, published: query.published },
      parseSort(query.sort ?? 'sortOrder', ADMIN_SERVICE_SORT_FIELDS) ?? [],
      pageWindow(query),
    );
    return toPage(rows, total, query);
  }

  async get(id: string): Promise<Service> {
    const service = await this.services.findById(id);
    if (!service) throw notFound(this.services.noun);
    return service;
  }

  create(body: CreateServiceRequest, ctx: AuditContext): Promise<Service> {
    const fields = newServiceFields(body);
    return this.writes.transaction(WRITE, async (manager) => {
      const service = await this.services.insert(
        { ...fields, slug: body.slug, createdBy: ctx.actor.id, updatedBy: ctx.actor.id },
        manager,
      );
      await this.writes.audit(manager, this.services, service, ctx, {
        action: 'service.created',
        metadata: { slug: service.slug, published: service.published },
      });
      return service;
    });
  }

  async update(id: string, body: UpdateServiceRequest, ifMatch: string | undefined, ctx: AuditContext) {
    return this.writes.transaction(WRITE, async (manager) => {
      const { entity } = await this.writes.change(manager, this.services, id, ifMatch, ctx, (service) => {
        const { changes, fields } = serviceEdits(service, body);
        if (fields.length === 0) return undefined;
        Object.assign(service, changes);
        return { action: 'service.updated', metadata: { fields } };
      });
      return entity;
    });
  }

  /** 409 while testimonials, contact requests or practitioners still name it (unpublish it instead). */
  remove(id: string, ifMatch: string | undefined, ctx: AuditContext): Promise<void> {
    return this.writes
      .transaction(WRITE, async (manager) => {
        const service = await this.writes.lock(manager, this.services, id, ifMatch);
        await this.services.delete(id, manager);
        await this.writes.audit(manager, this.services, service, ctx, {
          action: 'service.deleted',
          metadata: { slug: service.slug },
        });
      })
      .catch((error: unknown) => {
        throw stillNamed(error, SERVICE_REFERENCES, 'The service', 'unpublish it instead, or change them first');
      });
  }
}
