import { type OnModuleInit } from '@nestjs/common';
import { DiscoveryModule, HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { AuditModule } from '../audit/index.js';
import { Feature } from '../common/feature/feature.js';
import { VersionedWrites } from '../common/persistence/versioned-writes.js';
import { Clock } from '../common/clock/clock.js';
import { AppConfig } from '../config/app-config.js';
import { RateLimitGuard, RateLimitModule } from '../rate-limit/index.js';
import { AdminMediaController } from './admin-media.controller.js';
import { demoMediaSeeder } from './demo-media.seeder.js';
import { MediaProcessor } from './image-processing.js';
import { MediaCatalog } from './media-catalog.js';
import { MediaFile } from './media-file.entity.js';
import { registerMediaHttp } from './media-files.route.js';
import { MediaItem } from './media-item.entity.js';
import { DatabaseMediaStorage, MediaStorage, mediaStorageFor } from './media-storage.js';
import { MediaUsages } from './media-usage.js';
import { MEDIA_PROBLEMS } from './media.problems.js';
import { MediaRepository } from './media.repository.js';
import { MediaService } from './media.service.js';
import { RecentFiles } from './recent-files.js';

@Feature({
  tag: {
    name: 'media',
    description:
      'The media library: images uploaded once, cleaned of metadata, made into responsive variants and served at ' +
      'content-hashed URLs (`/media/<hash>/<width>.<ext>`, outside `/api`, cached for a year as immutable).',
  },
  entities: [MediaItem, MediaFile],
  seeders: [demoMediaSeeder],
  problems: MEDIA_PROBLEMS,
  imports: [AuditModule, DiscoveryModule, RateLimitModule],
  controllers: [AdminMediaController],
  providers: [
    MediaRepository,
    MediaService,
    MediaProcessor,
    MediaUsages,
    MediaCatalog,
    DatabaseMediaStorage,
    { provide: MediaStorage, useFactory: mediaStorageFor, inject: [AppConfig, DatabaseMediaStorage] },
    VersionedWrites,
    { provide: RecentFiles, useFactory: (clock: Clock) => new RecentFiles(clock), inject: [Clock] },
  ],
  exports: [MediaCatalog],
})
export class MediaModule implements OnModuleInit {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly storage: MediaStorage,
    private readonly recent: RecentFiles,
    private readonly rateLimit: RateLimitGuard,
  ) {}

  /** Before the server is ready: the multipart parser and the file route (see registerMediaHttp). */
  onModuleInit(): void {
    registerMediaHttp(
      this.adapterHost.httpAdapter.getInstance<FastifyInstance>(),
      this.storage,
      this.recent,
      this.rateLimit,
    );
  }
}
