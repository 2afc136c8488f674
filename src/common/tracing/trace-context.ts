import { randomFillSync } from 'node:crypto';
import { spanSource } from './span-source.js';

/**
 * W3C Trace Context (https://www.w3.org/TR/trace-context/): the trace a request belongs to and its own span. The
 * trace id names the whole chain of work (the caller's request, ours, the webhooks ours causes); the span id names
 * this request's part in it.
 */
export interface TraceContext {
  /** 32 lowercase hex digits, not all zero: the caller's trace, or a new one. */
  readonly traceId: string;
  /** 16 lowercase hex digits, not all zero: this request's own span, new on every request. */
  readonly spanId: string;
  /** The `sampled` trace flag: as the caller set it; false on a trace started here (nothing records it yet). */
  readonly sampled: boolean;
}

/** A valid `traceparent` header, taken apart. */
export interface Traceparent {
  readonly traceId: string;
  /** The caller's span. */
  readonly parentId: string;
  /** The trace flags byte. */
  readonly flags: number;
}

const SAMPLED = 0x01;
const ZERO_TRACE_ID = '0'.repeat(32);
const ZERO_SPAN_ID = '0'.repeat(16);
/** `version-traceid-parentid-flags`, lowercase hex only, then the end or (a later version's) more fields. */
const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(?:$|-)/;
/** The length of a version 00 header, which has nothing after its flags. */
const VERSION_00_LENGTH = 55;

/**
 * Parses a `traceparent` header; undefined when it is absent or invalid, and then the trace starts anew (the spec's
 * rule: an invalid header is ignored, never repaired). Version `00` must be exactly 55 characters; a later version
 * is read by its first four fields, as the spec asks, and `ff` is invalid. An all-zero trace or parent id, upper
 * case hex, or a repeated header (Node joins repeated headers with a comma, which breaks the format) are invalid.
 */
export function parseTraceparent(header: string | string[] | undefined): Traceparent | undefined {
  if (typeof header !== 'string') return undefined;
  const match = TRACEPARENT.exec(header);
  if (!match) return undefined;
  const [, version, traceId, parentId, flags] = match;
  if (version === 'ff' || (version === '00' && header.length !== VERSION_00_LENGTH)) return undefined;
  if (traceId === ZERO_TRACE_ID || parentId === ZERO_SPAN_ID) return undefined;
  return { traceId, parentId, flags: Number.parseInt(flags, 16) };
}

/** The `traceparent` header (version 00) naming this span as the parent of whatever it calls. */
export function formatTraceparent(trace: TraceContext): string {
  return `00-${trace.traceId}-${trace.spanId}-${trace.sampled ? '01' : '00'}`;
}

/**
 * A request's trace: the caller's when its `traceparent` is valid, else a new one; always a span of its own. With
 * OpenTelemetry tracing on, the active span's instead (a request's server span, which continued that header), so
 * what the app records of a request names the span the exported trace has.
 */
export function traceContextFor(header: string | string[] | undefined): TraceContext {
  const active = spanSource()?.activeSpan();
  if (active) return active;
  const parent = parseTraceparent(header);
  return parent
    ? { traceId: parent.traceId, spanId: newSpanId(), sampled: (parent.flags & SAMPLED) !== 0 }
    : { traceId: newTraceId(), spanId: newSpanId(), sampled: false };
}

export function newTraceId(): string {
  return randomHex(16);
}

export function newSpanId(): string {
  return randomHex(8);
}

// Ids come from a pool of random bytes refilled 4 KiB at a time (as Node's randomUUID does), rather than a call
// into OpenSSL per id: every request takes one or two. They name work, they guard nothing, so sharing the pool is fine.
const POOL_BYTES = 4096;
const pool = Buffer.allocUnsafe(POOL_BYTES);
let poolOffset = POOL_BYTES;

function randomHex(bytes: number): string {
  for (;;) {
    if (poolOffset + bytes > POOL_BYTES) {
      randomFillSync(pool);
      poolOffset = 0;
    }
    const hex = pool.toString('hex', poolOffset, poolOffset + bytes);
    poolOffset += bytes;
    // All zeros is the spec's invalid id (a chance of 2^-64 at worst): draw again.
    if (hex !== ZERO_TRACE_ID && hex !== ZERO_SPAN_ID) return hex;
  }
}
