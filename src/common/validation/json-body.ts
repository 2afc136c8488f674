import type { FastifyInstance } from 'fastify';
import { exceedsJsonDepth, MAX_JSON_DEPTH } from './hostile-input.js';
import { validationFailed } from './validation-pipe.js';

/**
 * Fastify's JSON body parser (secure-json-parse: `__proto__` and `constructor.prototype` members are refused as
 * malformed JSON) behind a depth check. class-transformer and class-validator walk a body recursively: ten thousand
 * nested arrays overflowed the stack (a 500, reachable without signing in). The check scans the text once, without
 * recursion, before anything parses or walks it.
 */
export function registerJsonBodyParser(fastify: FastifyInstance): void {
  const parseJson = fastify.getDefaultJsonParser('error', 'error');
  fastify.removeContentTypeParser('application/json');
  fastify.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = body as string;
    if (exceedsJsonDepth(text, MAX_JSON_DEPTH)) {
      done(
        validationFailed([
          {
            field: 'body',
            message: `the request body must not nest objects and arrays more than ${MAX_JSON_DEPTH} levels deep`,
          },
        ]),
        undefined,
      );
      return;
    }
    // Fastify's default parser is synchronous; its typing allows a promise.
    void parseJson(request, text, done);
  });
}
