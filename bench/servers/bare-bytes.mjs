// Baseline: bare Fastify answering precomputed bytes (a response captured from the API) with its ETag,
// and 304 on a matching If-None-Match. The ceiling for any cached read.
import Fastify from 'fastify';
import { serveForBench } from './child.mjs';

serveForBench(async ({ path, body, etag, contentType }) => {
  const payload = Buffer.from(body, 'utf8');
  const app = Fastify();
  app.get(path, (request, reply) => {
    void reply.header('etag', etag);
    const wanted = request.headers['if-none-match'];
    if (wanted && wanted.split(',').some((tag) => tag.trim() === etag)) return reply.code(304).send();
    return reply.header('content-type', contentType).send(payload);
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  return { port: app.server.address().port, close: () => app.close() };
});
