import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { type MediaUsage, MediaUsageProvider } from '../media/index.js';
import { PractitionersRepository } from './practitioners.repository.js';
import { PRACTITIONER_CACHE_TAGS } from './practitioners.service.js';

/** Practitioners show media items as photos: deleting one that is any practitioner's photo is refused, naming the slugs. */
@MediaUsageProvider()
@Injectable()
export class PractitionerMediaUsage implements MediaUsage {
  readonly kind = 'practitioners';
  /** As the practitioners' writes. */
  readonly cacheTags = PRACTITIONER_CACHE_TAGS;

  constructor(private readonly practitioners: PractitionersRepository) {}

  usersOf(mediaId: string, manager?: EntityManager): Promise<string[]> {
    return this.practitioners.slugsWithPhoto(mediaId, manager);
  }
}
