import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { ARTICLES_CACHE_TAG } from '../articles/index.js';
import { type MediaUsage, MediaUsageProvider } from '../media/index.js';
import { PRACTITIONERS_CACHE_TAG, SERVICES_CACHE_TAG } from '../services/index.js';
import { PractitionersRepository } from './practitioners.repository.js';

/** Practitioners show media items as photos: deleting one that is any practitioner's photo is refused, naming the slugs. */
@MediaUsageProvider()
@Injectable()
export class PractitionerMediaUsage implements MediaUsage {
  readonly kind = 'practitioners';
  /** As the practitioners' writes: services show their practitioners, articles their author's photo. */
  readonly cacheTags = [PRACTITIONERS_CACHE_TAG, SERVICES_CACHE_TAG, ARTICLES_CACHE_TAG];

  constructor(private readonly practitioners: PractitionersRepository) {}

  usersOf(mediaId: string, manager?: EntityManager): Promise<string[]> {
    return this.practitioners.slugsWithPhoto(mediaId, manager);
  }
}
