import { Injectable } from '@nestjs/common';
import type { AuditContext } from '../common/audit/audit-log.js';
import { AppException } from '../common/errors/app-exception.js';
import { pageWindow, toPage, type Page } from '../common/pagination/pagination.js';
import { notFound, VersionedWrites, type WriteScope } from '../common/persistence/versioned-writes.js';
import { ReadReplicas } from '../database/read-replicas.js';
import { HOURS_CACHE_TAG, HoursService, openingHoursSpecification } from '../hours/index.js';
import { type NamedBy, PRACTITIONERS_CACHE_TAG, stillNamed, unknownReference } from '../services/index.js';
import type {
  AdminListLocationsQuery,
  CreateLocationRequest,
  ListLocationsQuery,
  UpdateLocationRequest,
} from './dto/location.requests.js';
import { changedFields, locationColumns } from './location-content.js';
import { type Location, LOCATION_HOURS_FK } from './location.entity.js';
import { LocationsRepository } from './locations.repository.js';
import type { PhotoResponse } from './dto/photo.dto.js';
import { DirectoryPhotos } from './photos.js';

/** The response cache tag of the public location list; a location's detail is cached under the hours' tag. */
export const LOCATIONS_CACHE_TAG = 'locations';

/** The foreign keys that name a location, and who they mean: deleting a location they name is 409. */
const LOCATION_REFERENCES: readonly NamedBy[] = [
  { constraint: 'FK_practitioner_locations_location', who: 'practitioners' },
  { constraint: 'FK_contact_requests_location', who: 'contact requests' },
];

/**
 * What a change to a location (or to its photo's media item) clears: the location list, the hours' tag (a location's
 * detail shows its schedule's hours, so it is cached with them: see LocationsController) and practitioners, who show
 * their locations.
 */
export const LOCATION_CACHE_TAGS: readonly string[] = [LOCATIONS_CACHE_TAG, HOURS_CACHE_TAG, PRACTITIONERS_CACHE_TAG];

const WRITE: WriteScope = {
  invalidates: LOCATION_CACHE_TAGS,
  conflicts: [
    {
      key: /slug/,
      error: () => new AppException('conflict', 'Another location has this slug.', { extensions: { field: 'slug' } }),
    },
  ],
};

const unknownSchedule = (error: unknown): unknown =>
  unknownReference(error, [{ constraint: LOCATION_HOURS_FK, field: 'hoursKey', noun: 'operating-hours schedule' }]);

/** A location with its photo looked up in the media library. */
export interface LocationView {
  location: Location;
  photo: PhotoResponse | null;
}

/** A location and the schema.org opening hours of its schedule (undefined without one). */
export interface LocationWithHours extends LocationView {
  timeZone?: string;
  openingHours?: Record<string, unknown>[];
}

@Injectable()
export class LocationsService {
  constructor(
    private readonly locations: LocationsRepository,
    private readonly writes: VersionedWrites,
    private readonly replicas: ReadReplicas,
    private readonly hours: HoursService,
    private readonly photos: DirectoryPhotos,
  ) {}

  async listPublic(query: ListLocationsQuery): Promise<Page<LocationView>> {
    const [rows, total] = await this.replicas.read(LOCATIONS_CACHE_TAG, ({ manager }) =>
      this.locations.findPage({ telehealthOnly: query.telehealthOnly, published: true }, pageWindow(query), manager),
    );
    return toPage(await this.views(rows), total, query);
  }

  /** A published location with its opening hours, or 404. */
  async getPublic(slug: string): Promise<LocationWithHours> {
    const location = await this.replicas.read(LOCATIONS_CACHE_TAG, ({ manager }) =>
      this.locations.findBySlug(slug, manager),
    );
    if (!location?.published) throw new AppException('not_found', 'No published location has this slug.');
    const [{ photo }] = await this.views([location]);
    if (location.hoursKey === null) return { location, photo };
    try {
      const { schedule, upcoming } = await this.hours.getPublic(location.hoursKey);
      return {
        location,
        photo,
        timeZone: schedule.timeZone,
        openingHours: openingHoursSpecification(schedule, upcoming),
      };
    } catch (error) {
      // Deleted since it was read: the location shows no hours (the foreign key clears the key).
      if (error instanceof AppException && error.code === 'not_found') return { location, photo };
      throw error;
    }
  }

  async list(query: AdminListLocationsQuery): Promise<Page<LocationView>> {
    const [rows, total] = await this.locations.findPage(
      { telehealthOnly: query.telehealthOnly, published: query.published },
      pageWindow(query),
    );
    return toPage(await this.views(rows), total, query);
  }

  async get(id: string): Promise<LocationView> {
    const location = await this.locations.findById(id);
    if (!location) throw notFound(this.locations.noun);
    return (await this.views([location]))[0];
  }

  async create(body: CreateLocationRequest, ctx: AuditContext): Promise<LocationView> {
    const created = await this.writes
      .transaction(WRITE, async (manager) => {
        await this.photos.claim(body.photo?.mediaId, manager);
        const location = await this.locations.insert(
          {
            hoursKey: null,
            photoMediaId: null,
            photoAlt: null,
            phone: null,
            email: null,
            latitude: null,
            longitude: null,
            accessibilityNotes: null,
            parkingNotes: null,
            ...locationColumns(body),
            slug: body.slug,
            createdBy: ctx.actor.id,
            updatedBy: ctx.actor.id,
          },
          manager,
        );
        await this.writes.audit(manager, this.locations, location, ctx, {
          action: 'location.created',
          metadata: { slug: location.slug, published: location.published },
        });
        return location;
      })
      .catch((error: unknown) => {
        throw unknownSchedule(error);
      });
    return (await this.views([created]))[0];
  }

  async update(
    id: string,
    body: UpdateLocationRequest,
    ifMatch: string | undefined,
    ctx: AuditContext,
  ): Promise<LocationView> {
    const updated = await this.writes
      .transaction(WRITE, async (manager) => {
        const { entity } = await this.writes.change(manager, this.locations, id, ifMatch, ctx, async (location) => {
          const changes = locationColumns(body);
          const fields = changedFields(location, changes);
          if (fields.length === 0) return undefined;
          if (fields.includes('photoMediaId')) await this.photos.claim(changes.photoMediaId, manager);
          Object.assign(location, changes);
          return { action: 'location.updated', metadata: { fields } };
        });
        return entity;
      })
      .catch((error: unknown) => {
        throw unknownSchedule(error);
      });
    return (await this.views([updated]))[0];
  }

  remove(id: string, ifMatch: string | undefined, ctx: AuditContext): Promise<void> {
    return this.writes
      .transaction(WRITE, async (manager) => {
        const location = await this.writes.lock(manager, this.locations, id, ifMatch);
        await this.locations.delete(id, manager);
        await this.writes.audit(manager, this.locations, location, ctx, {
          action: 'location.deleted',
          metadata: { slug: location.slug },
        });
      })
      .catch((error: unknown) => {
        throw stillNamed(error, LOCATION_REFERENCES, 'The location', 'unpublish it instead, or change them first');
      });
  }

  private async views(rows: readonly Location[]): Promise<LocationView[]> {
    const photos = await this.photos.of(rows);
    return rows.map((location, i) => ({ location, photo: photos[i] }));
  }
}
