import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { type MediaUsage, MediaUsageProvider } from '../media/index.js';
import { HOURS_CACHE_TAG } from '../hours/index.js';
import { PRACTITIONERS_CACHE_TAG } from '../services/index.js';
import { LocationsRepository } from './locations.repository.js';
import { LOCATIONS_CACHE_TAG } from './locations.service.js';

/** Locations show media items as photos: deleting one that is any location's photo is refused, naming the slugs. */
@MediaUsageProvider()
@Injectable()
export class LocationMediaUsage implements MediaUsage {
  readonly kind = 'locations';
  /** As the locations' writes: practitioners and hours show their locations. */
  readonly cacheTags = [LOCATIONS_CACHE_TAG, HOURS_CACHE_TAG, PRACTITIONERS_CACHE_TAG];

  constructor(private readonly locations: LocationsRepository) {}

  usersOf(mediaId: string, manager?: EntityManager): Promise<string[]> {
    return this.locations.slugsWithPhoto(mediaId, manager);
  }
}
