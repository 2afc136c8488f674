import { Injectable, type OnModuleInit, SetMetadata } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import type { EntityManager } from 'typeorm';

/**
 * What a feature tells the media library about its records that show media items, so that deleting one in use is
 * refused (409 `media_in_use`) naming them. A feature implements it in a provider of its own module, marked with
 * `@MediaUsageProvider()`; the media library finds every such provider at startup (no list to edit, and the media
 * feature imports none of its users).
 */
export interface MediaUsage {
  /** What the records are called in the 409's `usages`: `articles`, `practitioners`. */
  readonly kind: string;
  /**
   * The response-cache tags of the public responses that show these records (their write scope's `invalidates`):
   * editing an item's alt text drops them, since those responses carry it.
   */
  readonly cacheTags: readonly string[];
  /**
   * How the records that use the item are named to staff (slugs, names), sorted; empty when none does. A delete
   * asks within its transaction (`manager`), which holds the item's row locked; a read asks without one.
   */
  usersOf(mediaId: string, manager?: EntityManager): Promise<string[]>;
}

const MEDIA_USAGE_PROVIDER = 'wellclinic:media-usage';

/** Marks a provider class implementing MediaUsage. */
export function MediaUsageProvider(): ClassDecorator {
  return SetMetadata(MEDIA_USAGE_PROVIDER, true);
}

/** Every feature's MediaUsage, found among the app's providers. */
@Injectable()
export class MediaUsages implements OnModuleInit {
  private usages: MediaUsage[] = [];

  constructor(private readonly discovery: DiscoveryService) {}

  onModuleInit(): void {
    this.usages = this.discovery
      .getProviders()
      .filter((wrapper) => wrapper.metatype && Reflect.getMetadata(MEDIA_USAGE_PROVIDER, wrapper.metatype) === true)
      .map((wrapper) => wrapper.instance as MediaUsage)
      .filter((usage, i, all) => usage && all.indexOf(usage) === i);
  }

  /**
   * Every usage's cache tags. An alt edit drops them all rather than only those of the records using the item: the
   * usages are not known before the transaction that scopes the invalidation, and alt edits are rare.
   */
  cacheTags(): string[] {
    return [...new Set(this.usages.flatMap((usage) => usage.cacheTags))];
  }

  /** The records using the item, by kind (only kinds with some). */
  async of(mediaId: string, manager?: EntityManager): Promise<Record<string, string[]>> {
    const found: Record<string, string[]> = {};
    for (const usage of this.usages) {
      const users = await usage.usersOf(mediaId, manager);
      if (users.length > 0) found[usage.kind] = users;
    }
    return found;
  }
}
