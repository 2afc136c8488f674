// Content negotiation for the bare baselines: brotli for clients that accept br, gzip for those that accept only
// gzip, the identity bytes otherwise; `Vary: Accept-Encoding` either way. What a careful hand-written server does.
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

/** 'br', 'gzip' or null, from an Accept-Encoding header (q=0 refuses a coding; `*` accepts any). */
export function negotiate(acceptEncoding) {
  if (!acceptEncoding) return null;
  const accepted = new Map();
  for (const part of acceptEncoding.split(',')) {
    const [coding, ...params] = part.trim().toLowerCase().split(';');
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    accepted.set(coding, q === undefined ? 1 : Number(q.slice(2)));
  }
  const wants = (coding) => (accepted.get(coding) ?? accepted.get('*') ?? 0) > 0;
  if (wants('br')) return 'br';
  if (wants('gzip')) return 'gzip';
  return null;
}

/** Each variant at its best setting: done once, at start, so no request pays for it. */
export function precompress(payload) {
  return {
    br: brotliCompressSync(payload, {
      params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: payload.length },
    }),
    gzip: gzipSync(payload, { level: 9 }),
  };
}

/** A response's bytes compressed on the spot, at cheap settings (brotli 4, gzip 6: @fastify/compress's defaults). */
export function compressNow(payload, coding) {
  if (coding === 'br') {
    return brotliCompressSync(payload, {
      params: { [constants.BROTLI_PARAM_QUALITY]: 4, [constants.BROTLI_PARAM_SIZE_HINT]: payload.length },
    });
  }
  return gzipSync(payload, { level: 6 });
}
