import { type DynamicModule, Global, Module } from '@nestjs/common';
import { CacheCoherence } from './cache-coherence.js';
import { ResponseCache } from './response-cache.js';

/** The app's one response cache, and what keeps it coherent with the other instances'. */
@Global()
@Module({})
export class ResponseCacheModule {
  static forRoot(cache: ResponseCache): DynamicModule {
    return {
      module: ResponseCacheModule,
      providers: [{ provide: ResponseCache, useValue: cache }, CacheCoherence],
      exports: [ResponseCache, CacheCoherence],
    };
  }
}
