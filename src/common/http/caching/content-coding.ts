import { negotiate } from '@fastify/accept-negotiator';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

/** The content codings a response is sent in besides identity: every browser and server-side `fetch` accepts both. */
export type ContentCoding = 'br' | 'gzip';

/** Smaller bodies are sent as they are: compressing them saves less than it costs. */
export const COMPRESSION_THRESHOLD_BYTES = 1024;

/**
 * Settings for responses kept in the response cache: each is compressed once per coding, on first request, then
 * served to every later hit, so a moderate setting pays. Brotli 11 costs ~50× quality 5 for a few % fewer bytes:
 * it is never used on the request path.
 */
export const STORED_BROTLI_QUALITY = 5;
export const STORED_GZIP_LEVEL = 6;

/** Settings for responses compressed for one request only (@fastify/compress): cheap ones. */
export const PER_REQUEST_BROTLI_QUALITY = 4;
export const PER_REQUEST_GZIP_LEVEL = 4;
/**
 * Bodies up to this size are compressed in one synchronous call rather than through a zlib stream on the thread
 * pool. For a 21 kB list page a stream cost 376 µs of CPU, the call 169 µs (brotli 4; gzip 211 against 106): on a
 * small host the pool's parallelism does not pay for that, and @fastify/compress's own default (8 kB on 2 cores)
 * sent every article list and detail through streams. 256 kB take ~2 ms on the event loop; larger bodies stream.
 */
export const SYNC_COMPRESSION_MAX_BYTES = 256 * 1024;

const SUPPORTED = ['br', 'gzip', 'identity'];

/**
 * The coding to send a compressible body in, by the request's Accept-Encoding (q-values honoured; `*` and `x-gzip`
 * as @fastify/compress reads them): brotli when acceptable, else gzip, else none (identity, also when nothing
 * listed is acceptable: identity is always a valid answer unless refused outright, and a 406 would help nobody).
 */
export function preferredCoding(acceptEncoding: string | string[] | undefined): ContentCoding | undefined {
  if (acceptEncoding === undefined) return undefined;
  const header = (Array.isArray(acceptEncoding) ? acceptEncoding.join(',') : acceptEncoding)
    .toLowerCase()
    .replace(/x-gzip/g, 'gzip');
  if (header === '') return undefined;
  const coding = negotiate(header, SUPPORTED);
  return coding === 'br' || coding === 'gzip' ? coding : undefined;
}

/** The body in that coding, at the stored-response settings. */
export function compressStored(body: Buffer, coding: ContentCoding): Buffer {
  return coding === 'br'
    ? brotliCompressSync(body, {
        params: {
          [constants.BROTLI_PARAM_QUALITY]: STORED_BROTLI_QUALITY,
          [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
          [constants.BROTLI_PARAM_SIZE_HINT]: body.length,
        },
      })
    : gzipSync(body, { level: STORED_GZIP_LEVEL });
}
