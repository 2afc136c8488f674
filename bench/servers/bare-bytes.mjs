// Baseline: bare Fastify answering precomputed bytes (a response captured from the API) with an ETag per
// representation, and 304 on a matching If-None-Match. Its brotli and gzip variants are compressed once, at start,
// and chosen by Accept-Encoding (with Vary). The ceiling for any cached read.
import { createHash } from 'node:crypto';
import Fastify from 'fastify';
import { serveForBench } from './child.mjs';
import { negotiate, precompress } from './encoding.mjs';

const etagOf = (bytes) => `"${createHash('sha256').update(bytes).digest('base64url').slice(0, 27)}"`;

serveForBench(async ({ path, body, contentType }) => {
  const identity = Buffer.from(body, 'utf8');
  const variants = { identity, ...precompress(identity) };
  const etags = Object.fromEntries(Object.entries(variants).map(([coding, bytes]) => [coding, etagOf(bytes)]));
  const app = Fastify();
  app.get(path, (request, reply) => {
    const coding = negotiate(request.headers['accept-encoding']) ?? 'identity';
    const etag = etags[coding];
    void reply.header('etag', etag).header('vary', 'accept-encoding');
    const wanted = request.headers['if-none-match'];
    if (wanted && wanted.split(',').some((tag) => tag.trim() === etag)) return reply.code(304).send();
    if (coding !== 'identity') void reply.header('content-encoding', coding);
    return reply.header('content-type', contentType).send(variants[coding]);
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  return { port: app.server.address().port, close: () => app.close() };
});
