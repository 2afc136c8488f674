import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { type MediaUsage, MediaUsageProvider } from '../media/index.js';
import { LocationsRepository } from './locations.repository.js';
import { LOCATION_CACHE_TAGS } from './locations.service.js';

/** Locations show media items as photos: deleting one that is any location's photo is refused, naming the slugs. */
@MediaUsageProvider()
@Injectable()
export class LocationMediaUsage implements MediaUsage {
  readonly kind = 'locations';
  /** As the locations' writes. */
  readonly cacheTags = LOCATION_CACHE_TAGS;

  constructor(private readonly locations: LocationsRepository) {}

  usersOf(mediaId: string, manager?: EntityManager): Promise<string[]> {
    return this.locations.slugsWithPhoto(mediaId, manager);
  }
}
