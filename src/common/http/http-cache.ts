import {
  type CallHandler,
  type ExecutionContext,
  Injectable,
  type NestInterceptor,
  SetMetadata,
  applyDecorators,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiHeader, ApiResponse } from '@nestjs/swagger';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Observable } from 'rxjs';
import { AppConfig } from '../../config/app-config.js';
import { ifNoneMatchSatisfied, publicCacheControl, strongEtag } from './etag.js';

const PUBLIC_CACHE = 'wellclinic:public-cache';

export interface PublicCacheOptions {
  /** Overrides CACHE_MAX_AGE_SECONDS for this route. */
  maxAgeSeconds?: number;
}

/**
 * Marks a public GET as cacheable: `Cache-Control: public, …`, a strong ETag, and 304 on If-None-Match.
 * Every other response is `no-store`.
 */
export function PublicCache(options: PublicCacheOptions = {}): MethodDecorator & ClassDecorator {
  return applyDecorators(
    SetMetadata(PUBLIC_CACHE, options),
    ApiHeader({ name: 'If-None-Match', required: false, description: 'An ETag from an earlier response.' }),
    ApiResponse({ status: 304, description: 'Not modified: the representation matches If-None-Match.' }),
  );
}

@Injectable()
export class CacheControlInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    private readonly config: AppConfig,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const options = this.reflector.getAllAndOverride<PublicCacheOptions | undefined>(PUBLIC_CACHE, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (options && context.getType() === 'http') {
      const reply = context.switchToHttp().getResponse<FastifyReply>();
      const { maxAgeSeconds, staleWhileRevalidateSeconds } = this.config.cache;
      void reply.header(
        'cache-control',
        publicCacheControl(options.maxAgeSeconds ?? maxAgeSeconds, staleWhileRevalidateSeconds),
      );
    }
    return next.handle();
  }
}

/**
 * Runs after serialization, before compression: defaults every response to `no-store`, and gives public
 * 200 responses their ETag and 304 handling. Register it before @fastify/compress.
 */
export function registerHttpCaching(fastify: FastifyInstance): void {
  fastify.addHook('onSend', async (request, reply, payload) => {
    const cacheControl = reply.getHeader('cache-control');
    if (cacheControl === undefined) {
      void reply.header('cache-control', 'no-store');
      return payload;
    }
    const cacheable =
      (request.method === 'GET' || request.method === 'HEAD') &&
      reply.statusCode === 200 &&
      String(cacheControl).startsWith('public');
    if (!cacheable || !(typeof payload === 'string' || Buffer.isBuffer(payload))) return payload;

    const etag = strongEtag(payload);
    void reply.header('etag', etag);
    if (ifNoneMatchSatisfied(request.headers['if-none-match'], etag)) {
      void reply.code(304).removeHeader('content-type').removeHeader('content-length');
      return '';
    }
    return payload;
  });
}
