import { createServer, request as httpRequest, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { ManualClock } from '../../clock/clock.js';
import { type CompletedRequest, answerFirst, cacheHitResponder } from './cache-hit-responder.js';
import { COMPRESSION_THRESHOLD_BYTES } from './content-coding.js';
import { type CachedResponse, cachedResponse, ResponseCache } from './response-cache.js';

const URL_PATH = '/api/v1/articles?page=1';
const ETAG = '"abc"';
const BODY = '{"data":[]}';
const SECURITY = ['content-security-policy', "default-src 'none'", 'x-content-type-options', 'nosniff'];
const HEADERS = ['x-cache', 'HIT', 'cache-control', 'public, max-age=60', 'etag', ETAG, 'vary', 'accept-encoding'];
const stored: CachedResponse = {
  route: '/api/v1/articles',
  payload: Buffer.from(BODY),
  etag: ETAG,
  contentType: 'application/json; charset=utf-8',
  headers: { 'x-cache': 'HIT', 'cache-control': 'public, max-age=60', etag: ETAG, vary: 'accept-encoding' },
  notModifiedBlock: ['x-request-id', '', ...SECURITY, ...HEADERS],
  okBlock: [
    'x-request-id',
    '',
    ...SECURITY,
    ...HEADERS,
    'content-type',
    'application/json; charset=utf-8',
    'content-length',
    String(BODY.length),
  ],
};

/** A list page big enough to be worth compressing, stored as public-cache.ts stores one. */
const BIG_PATH = '/api/v1/articles?page=2';
const BIG_BODY = JSON.stringify({
  data: Array.from({ length: 40 }, (_, i) => ({ slug: `article-${i}`, title: `Coping with stress, part ${i}` })),
});
const bigResponse = () =>
  cachedResponse(
    {
      route: '/api/v1/articles',
      payload: Buffer.from(BIG_BODY),
      etag: '"big"',
      contentType: 'application/json; charset=utf-8',
      headers: { 'x-cache': 'HIT', etag: '"big"', vary: 'accept-encoding' },
    },
    { 'x-content-type-options': 'nosniff' },
  );

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
  bytes: Buffer;
}

function send(server: Server, path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Answer> {
  const { port } = server.address() as AddressInfo;
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, method, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const bytes = Buffer.concat(chunks);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: bytes.toString('utf8'), bytes });
      });
    });
    req.on('error', reject);
    req.end();
  });
}

describe('cacheHitResponder, in front of Fastify', () => {
  let cache: ResponseCache;
  let accepting: boolean;
  let answered: CompletedRequest[];
  let passedOn: string[];
  let server: Server;

  beforeEach(async () => {
    cache = new ResponseCache(60_000, 1_000_000, new ManualClock(new Date('2026-11-26T10:00:00Z')));
    cache.set('articles', URL_PATH, cache.generation('articles'), stored);
    accepting = true;
    answered = [];
    passedOn = [];
    const responder = cacheHitResponder({ cache, accepting: () => accepting, answered: (hit) => answered.push(hit) });
    // What stands for Fastify's request listener: records what it was handed.
    server = createServer((req, res) => {
      passedOn.push(`${req.method} ${req.url}`);
      res.writeHead(299).end('fastify');
    });
    answerFirst(server, responder);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });

  afterEach(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('answers 304 to a matching If-None-Match with the stored header block and a request id of its own', async () => {
    const res = await send(server, URL_PATH, {
      'if-none-match': ETAG,
      'x-request-id': 'edge-1',
      traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
    });
    expect(res.status).toBe(304);
    expect(res.body).toBe('');
    expect(res.headers).toMatchObject({
      'x-request-id': expect.stringMatching(/^[0-9a-f-]{36}$/),
      'content-security-policy': "default-src 'none'",
      'x-content-type-options': 'nosniff',
      'x-cache': 'HIT',
      'cache-control': 'public, max-age=60',
      etag: ETAG,
      vary: 'accept-encoding',
    });
    expect(res.headers['content-type']).toBeUndefined();
    expect(res.headers['content-length']).toBeUndefined();
    expect(passedOn).toEqual([]);
    expect(answered).toEqual([
      {
        reqId: res.headers['x-request-id'],
        clientRequestId: 'edge-1',
        // The caller's trace, a span of this response's own.
        trace: {
          traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
          spanId: expect.stringMatching(/^[0-9a-f]{16}$/),
          sampled: true,
        },
        method: 'GET',
        route: '/api/v1/articles',
        url: URL_PATH,
        statusCode: 304,
        durationMs: expect.any(Number),
        cache: 'HIT',
      },
    ]);
  });

  it('answers 200 with the stored bytes to a client that accepts no compression, under a new request id', async () => {
    const res = await send(server, URL_PATH, { 'x-request-id': 'not a sane id' });
    expect(res.status).toBe(200);
    expect(res.body).toBe(BODY);
    expect(res.headers).toMatchObject({
      'content-type': 'application/json; charset=utf-8',
      'content-length': String(BODY.length),
      etag: ETAG,
    });
    expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(answered).toEqual([
      expect.objectContaining({
        reqId: res.headers['x-request-id'],
        statusCode: 200,
        // No traceparent: a trace of its own.
        trace: {
          traceId: expect.stringMatching(/^[0-9a-f]{32}$/),
          spanId: expect.stringMatching(/^[0-9a-f]{16}$/),
          sampled: false,
        },
      }),
    ]);
    expect(passedOn).toEqual([]);
  });

  it('answers HEAD with the headers and no body', async () => {
    const res = await send(server, URL_PATH, {}, 'HEAD');
    expect(res.status).toBe(200);
    expect(res.body).toBe('');
    expect(res.headers['content-length']).toBe(String(BODY.length));
    expect(answered).toEqual([expect.objectContaining({ method: 'HEAD', statusCode: 200 })]);
  });

  it('still answers 304 to a client that accepts compression (a 304 has no body to compress)', async () => {
    const res = await send(server, URL_PATH, { 'if-none-match': `"other", W/${ETAG}`, 'accept-encoding': 'gzip' });
    expect(res.status).toBe(304);
    expect(passedOn).toEqual([]);
  });

  describe('compressed hits', () => {
    const BROWSER = 'gzip, deflate, br';
    let big: CachedResponse;
    beforeEach(() => {
      big = bigResponse();
      cache.set('articles', BIG_PATH, cache.generation('articles'), big);
    });

    it('answers a browser in brotli, compressed on the first hit and reused by every later one', async () => {
      expect(BIG_BODY.length).toBeGreaterThan(COMPRESSION_THRESHOLD_BYTES);
      const first = await send(server, BIG_PATH, { 'accept-encoding': BROWSER });
      const compressed = big.encoded?.br?.payload;
      const second = await send(server, BIG_PATH, { 'accept-encoding': BROWSER });
      for (const res of [first, second]) {
        expect(res.status).toBe(200);
        expect(res.headers).toMatchObject({
          'content-encoding': 'br',
          'content-length': String(res.bytes.length),
          'content-type': 'application/json; charset=utf-8',
          'x-content-type-options': 'nosniff',
          etag: '"big"',
          vary: 'accept-encoding',
        });
        expect(brotliDecompressSync(res.bytes).toString()).toBe(BIG_BODY);
      }
      expect(first.bytes.length).toBeLessThan(BIG_BODY.length / 3);
      expect(big.encoded?.br?.payload).toBe(compressed);
      expect(big.encoded?.gzip).toBeUndefined();
      expect(passedOn).toEqual([]);
      expect(answered.map((a) => a.statusCode)).toEqual([200, 200]);
    });

    it.each([
      ['gzip', 'gzip'],
      ['x-gzip', 'gzip'],
      ['br;q=0.5, gzip', 'gzip'],
      ['*', 'br'],
      ['gzip;q=0, br', 'br'],
    ])('honours Accept-Encoding %j: %s', async (acceptEncoding, coding) => {
      const res = await send(server, BIG_PATH, { 'accept-encoding': acceptEncoding });
      expect(res.headers['content-encoding']).toBe(coding);
      const decoded = coding === 'br' ? brotliDecompressSync(res.bytes) : gunzipSync(res.bytes);
      expect(decoded.toString()).toBe(BIG_BODY);
    });

    it.each([['identity'], ['deflate'], ['br;q=0, gzip;q=0'], ['']])(
      'sends the stored bytes as they are for Accept-Encoding %j',
      async (acceptEncoding) => {
        const res = await send(server, BIG_PATH, { 'accept-encoding': acceptEncoding });
        expect(res.status).toBe(200);
        expect(res.headers['content-encoding']).toBeUndefined();
        expect(res.body).toBe(BIG_BODY);
        expect(res.headers['content-length']).toBe(String(BIG_BODY.length));
      },
    );

    it('sends a body under the threshold uncompressed, whatever the client accepts', async () => {
      const res = await send(server, URL_PATH, { 'accept-encoding': BROWSER });
      expect(res.status).toBe(200);
      expect(res.headers['content-encoding']).toBeUndefined();
      expect(res.body).toBe(BODY);
    });

    it('answers HEAD with the compressed length and no body', async () => {
      const get = await send(server, BIG_PATH, { 'accept-encoding': BROWSER });
      const head = await send(server, BIG_PATH, { 'accept-encoding': BROWSER }, 'HEAD');
      expect(head.status).toBe(200);
      expect(head.body).toBe('');
      expect(head.headers['content-encoding']).toBe('br');
      expect(head.headers['content-length']).toBe(String(get.bytes.length));
    });
  });

  it.each([
    ['a cross-origin request (CORS runs in Fastify)', URL_PATH, { origin: 'https://site.example' }, 'GET'],
    ['another URL', '/api/v1/articles?page=2', {}, 'GET'],
    ['a write', URL_PATH, {}, 'POST'],
    ['a preflight', URL_PATH, { origin: 'https://site.example' }, 'OPTIONS'],
  ])('hands %s to Fastify untouched', async (_case, path, headers, method) => {
    const res = await send(server, path, headers, method);
    expect(res.status).toBe(299);
    expect(res.body).toBe('fastify');
    expect(passedOn).toEqual([`${method} ${path}`]);
    expect(answered).toEqual([]);
  });

  it('hands everything to Fastify once shutdown began (its hook answers 503)', async () => {
    accepting = false;
    const res = await send(server, URL_PATH, { 'if-none-match': ETAG });
    expect(res.status).toBe(299);
    expect(passedOn).toEqual([`GET ${URL_PATH}`]);
  });

  it('stops answering as soon as the tag is invalidated', async () => {
    cache.invalidate('articles');
    const res = await send(server, URL_PATH, { 'if-none-match': ETAG });
    expect(res.status).toBe(299);
    expect(answered).toEqual([]);
  });
});

describe('answerFirst', () => {
  it('replaces the one request listener, so that a request reaches only one of them', () => {
    const server = createServer(() => undefined);
    answerFirst(server, () => true);
    expect(server.listenerCount('request')).toBe(1);
  });

  it.each([0, 2])('refuses a server with %i request listeners: it could not tell which is Fastify’s', (count) => {
    const server = createServer();
    for (let i = 0; i < count; i++) server.on('request', () => undefined);
    expect(() => answerFirst(server, () => true)).toThrow(
      `Expected the server to have one request listener (Fastify's), found ${count}`,
    );
  });
});
