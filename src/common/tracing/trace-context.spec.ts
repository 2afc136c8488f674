import {
  formatTraceparent,
  newSpanId,
  newTraceId,
  parseTraceparent,
  type TraceContext,
  traceContextFor,
} from './trace-context.js';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const PARENT_ID = '00f067aa0ba902b7';
const VALID = `00-${TRACE_ID}-${PARENT_ID}-01`;
const HEX32 = /^[0-9a-f]{32}$/;
const HEX16 = /^[0-9a-f]{16}$/;

describe('parseTraceparent', () => {
  it('takes a version 00 header apart', () => {
    expect(parseTraceparent(VALID)).toEqual({ traceId: TRACE_ID, parentId: PARENT_ID, flags: 1 });
    expect(parseTraceparent(`00-${TRACE_ID}-${PARENT_ID}-00`)).toEqual({
      traceId: TRACE_ID,
      parentId: PARENT_ID,
      flags: 0,
    });
  });

  it('keeps flags it does not know (they are ignored, not an error)', () => {
    expect(parseTraceparent(`00-${TRACE_ID}-${PARENT_ID}-09`)).toEqual({
      traceId: TRACE_ID,
      parentId: PARENT_ID,
      flags: 9,
    });
  });

  it.each([
    ['exactly four fields', `01-${TRACE_ID}-${PARENT_ID}-01`],
    ['more fields after a dash', `cc-${TRACE_ID}-${PARENT_ID}-01-what-the-future-will-be-like`],
  ])('reads a later version by its first four fields: %s', (_label, header) => {
    expect(parseTraceparent(header)).toEqual({ traceId: TRACE_ID, parentId: PARENT_ID, flags: 1 });
  });

  it.each([
    ['absent', undefined],
    ['empty', ''],
    ['repeated (an array)', [VALID, VALID]],
    ['repeated (joined by Node)', `${VALID}, 00-${'a'.repeat(32)}-${'b'.repeat(16)}-01`],
    ['version ff', `ff-${TRACE_ID}-${PARENT_ID}-01`],
    ['version 00 with more after the flags', `${VALID}-extra`],
    ['version 00 with a trailing character', `${VALID}.`],
    ['a later version with no dash after the flags', `01-${TRACE_ID}-${PARENT_ID}-01.`],
    ['an all-zero trace id', `00-${'0'.repeat(32)}-${PARENT_ID}-01`],
    ['an all-zero parent id', `00-${TRACE_ID}-${'0'.repeat(16)}-01`],
    ['upper case hex', `00-${TRACE_ID.toUpperCase()}-${PARENT_ID}-01`],
    ['a short trace id', `00-${TRACE_ID.slice(1)}-${PARENT_ID}-01`],
    ['a long parent id', `00-${TRACE_ID}-${PARENT_ID}0-01`],
    ['a non-hex digit', `00-${TRACE_ID.slice(0, 31)}g-${PARENT_ID}-01`],
    ['one-digit flags', `00-${TRACE_ID}-${PARENT_ID}-1`],
    ['one-digit version', `0-${TRACE_ID}-${PARENT_ID}-01`],
    ['other separators', `00_${TRACE_ID}_${PARENT_ID}_01`],
    ['surrounding spaces (HTTP trims them before this)', ` ${VALID} `],
    ['an injection attempt', `00-${TRACE_ID}-${PARENT_ID}-01\n{"level":60}`],
  ])('refuses a header that is %s', (_label, header) => {
    expect(parseTraceparent(header)).toBeUndefined();
  });
});

describe('traceContextFor', () => {
  it("continues the caller's trace with a span of its own", () => {
    const trace = traceContextFor(VALID);

    expect(trace).toEqual({ traceId: TRACE_ID, spanId: expect.stringMatching(HEX16), sampled: true });
    expect(trace.spanId).not.toBe(PARENT_ID);
    expect(traceContextFor(VALID).spanId).not.toBe(trace.spanId);
  });

  it("keeps the caller's sampled flag, and only that flag", () => {
    expect(traceContextFor(`00-${TRACE_ID}-${PARENT_ID}-00`).sampled).toBe(false);
    expect(traceContextFor(`00-${TRACE_ID}-${PARENT_ID}-03`).sampled).toBe(true);
    expect(traceContextFor(`00-${TRACE_ID}-${PARENT_ID}-02`).sampled).toBe(false);
  });

  it.each([
    ['no header', undefined],
    ['an invalid header', `00-${'0'.repeat(32)}-${PARENT_ID}-01`],
  ])('starts a new, unsampled trace for %s', (_label, header) => {
    const first = traceContextFor(header);
    const second = traceContextFor(header);

    expect(first).toEqual({
      traceId: expect.stringMatching(HEX32),
      spanId: expect.stringMatching(HEX16),
      sampled: false,
    });
    expect(first.traceId).not.toBe(TRACE_ID);
    expect(second.traceId).not.toBe(first.traceId);
  });
});

describe('formatTraceparent', () => {
  it('names the span as the parent, with the sampled flag', () => {
    const trace: TraceContext = { traceId: TRACE_ID, spanId: 'b7ad6b7169203331', sampled: true };

    expect(formatTraceparent(trace)).toBe(`00-${TRACE_ID}-b7ad6b7169203331-01`);
    expect(formatTraceparent({ ...trace, sampled: false })).toBe(`00-${TRACE_ID}-b7ad6b7169203331-00`);
  });

  it('writes what parseTraceparent reads back', () => {
    const trace = traceContextFor(undefined);

    expect(parseTraceparent(formatTraceparent(trace))).toEqual({
      traceId: trace.traceId,
      parentId: trace.spanId,
      flags: 0,
    });
  });
});

describe('newTraceId and newSpanId', () => {
  it('are lowercase hex of 16 and 8 bytes, never all zero, and do not repeat across refills of the pool', () => {
    // 3,000 of each draws 72,000 bytes: the 4 KiB pool is refilled many times, at every offset.
    const traces = Array.from({ length: 3000 }, () => newTraceId());
    const spans = Array.from({ length: 3000 }, () => newSpanId());

    for (const id of traces) expect(id).toMatch(HEX32);
    for (const id of spans) expect(id).toMatch(HEX16);
    expect(traces).not.toContain('0'.repeat(32));
    expect(spans).not.toContain('0'.repeat(16));
    expect(new Set(traces).size).toBe(traces.length);
    expect(new Set(spans).size).toBe(spans.length);
  });
});
