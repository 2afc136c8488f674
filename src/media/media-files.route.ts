import multipart from '@fastify/multipart';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppException } from '../common/errors/app-exception.js';
import { CONTENT_TYPES, type ImageFormat } from './image-type.js';
import type { RateLimitGuard } from '../rate-limit/index.js';
import type { MediaStorage } from './media-storage.js';
import { FILE_NAME_PATTERN, HASH_PATTERN, MEDIA_ROUTE_PREFIX } from './media-urls.js';
import { MAX_UPLOAD_BYTES } from './media-upload.js';
import type { RecentFiles } from './recent-files.js';

/** Fastify route config key of the routes that take `multipart/form-data` (the upload). */
export const MULTIPART_ROUTE = 'multipartUpload';

/** A year, the longest `max-age` caches honour: a file's URL names its content, which never changes. */
export const IMMUTABLE = 'public, max-age=31536000, immutable';

const FORMAT_OF_EXTENSION: Record<string, ImageFormat> = { jpg: 'jpeg', png: 'png', webp: 'webp', avif: 'avif' };

const noSuchFile = () => new AppException('not_found', 'No media file has this address.');

/**
 * The HTTP side of the media library outside Nest's routing: multipart parsing, and the files themselves.
 *
 * - `@fastify/multipart`, for the routes marked with MULTIPART_ROUTE only: a multipart body sent anywhere else is
 *   415, as it was before the parser existed (JSON-only API).
 * - `GET /media/<hash>/<name>` (and HEAD), outside `/api`: the bytes with `Cache-Control: public, max-age=31536000,
 *   immutable`, a strong ETag (hash and name: the content never changes) and 304 on If-None-Match (the platform's
 *   caching hook compares them), and `Cross-Origin-Resource-Policy: cross-origin` so other origins may embed them.
 *   Unknown addresses are a 404 problem. Outside Nest's guards, it applies the `general` per-IP ceiling itself (429),
 *   and serves recently served files from memory (RecentFiles) rather than reading them again.
 */
export function registerMediaHttp(
  fastify: FastifyInstance,
  storage: MediaStorage,
  recent: RecentFiles,
  rateLimit: Pick<RateLimitGuard, 'limitGeneral'>,
): void {
  // Not awaited: awaiting would load the plugin queue now, which settles the routes already declared with Fastify's
  // default error handler, before Nest installs its own (problem+json). Loaded with everything else at ready().
  void fastify.register(multipart, { limits: { fileSize: MAX_UPLOAD_BYTES } });
  fastify.addHook('preValidation', (request, _reply, done) => {
    const config = request.routeOptions.config as unknown as Record<string, unknown> | undefined;
    const multipartRoute = config?.[MULTIPART_ROUTE] === true;
    if (request.isMultipart() && !multipartRoute) {
      return done(new AppException('unsupported_media_type', 'This operation takes a JSON body (application/json).'));
    }
    // A JSON body sent to the upload is dropped here, so that the upload answers 415 (after the credentials are
    // checked) rather than the "takes no request body" the validation guard gives to routes without a body.
    if (multipartRoute && !request.isMultipart()) request.body = undefined;
    done();
  });

  fastify.get(`${MEDIA_ROUTE_PREFIX}/:hash/:name`, async (request: FastifyRequest, reply) => {
    await rateLimit.limitGeneral(request, reply);
    const { hash, name } = request.params as { hash: string; name: string };
    if (!HASH_PATTERN.test(hash) || !FILE_NAME_PATTERN.test(name)) throw noSuchFile();
    let data = recent.get(hash, name);
    if (!data) {
      const read = await storage.read(hash, name);
      if (!read) throw noSuchFile();
      recent.set(hash, name, read);
      data = read;
    }
    const format = FORMAT_OF_EXTENSION[name.slice(name.lastIndexOf('.') + 1)];
    return (
      reply
        .header('content-type', CONTENT_TYPES[format])
        .header('cache-control', IMMUTABLE)
        .header('etag', `"${hash}-${name}"`)
        // The website shows them from its own origin: the API's same-origin policy would block them there.
        .header('cross-origin-resource-policy', 'cross-origin')
        .send(data)
    );
  });
}
