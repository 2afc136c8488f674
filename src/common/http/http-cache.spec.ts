import { createServer, request as httpRequest, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ManualClock } from '../clock/clock.js';
import { type CompletedRequest, answerFirst, cacheHitResponder } from './http-cache.js';
import { type CachedResponse, ResponseCache } from './response-cache.js';

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

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

function send(server: Server, path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Answer> {
  const { port } = server.address() as AddressInfo;
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, method, headers, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
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
    const res = await send(server, URL_PATH, { 'if-none-match': ETAG, 'x-request-id': 'edge-1' });
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
        method: 'GET',
        route: '/api/v1/articles',
        url: URL_PATH,
        statusCode: 304,
        durationMs: expect.any(Number),
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
    expect(answered).toEqual([expect.objectContaining({ reqId: res.headers['x-request-id'], statusCode: 200 })]);
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

  it.each([
    ['a cross-origin request (CORS runs in Fastify)', URL_PATH, { origin: 'https://site.example' }, 'GET'],
    ['a 200 that may be compressed', URL_PATH, { 'accept-encoding': 'gzip' }, 'GET'],
    [
      'a stale If-None-Match that may be compressed',
      URL_PATH,
      { 'if-none-match': '"old"', 'accept-encoding': 'br' },
      'GET',
    ],
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
