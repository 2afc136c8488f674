import { jest } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { HEAP_GROWTH_FLAG, limitHeapGrowth } from './heap-growth.js';

/**
 * A child process keeps ~30 MB alive and makes garbage that survives a few collections, as requests in flight do;
 * it prints the largest heap V8 reserved meanwhile, in MiB. With `flag`, it first sets that V8 flag the way
 * limitHeapGrowth does.
 */
function largestHeap(flag?: string): number {
  const script = `
    if (process.argv[1]) require('node:v8').setFlagsFromString(process.argv[1]);
    const live = [];
    for (let i = 0; i < 400000; i++) live.push({ a: i, b: [i] });
    let largest = 0;
    const inFlight = [];
    for (let round = 0; round < 1500; round++) {
      const garbage = new Array(4000);
      for (let i = 0; i < 4000; i++) garbage[i] = { n: [i, round] };
      inFlight.push(garbage);
      if (inFlight.length > 40) inFlight.shift();
      largest = Math.max(largest, process.memoryUsage().heapTotal);
    }
    console.log(Math.round(largest / 2 ** 20), live.length);`;
  const out = execFileSync(process.execPath, ['-e', script, flag ?? ''], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH },
  });
  return Number(out.split(' ')[0]);
}

describe('limitHeapGrowth', () => {
  it('sets the flag, unless the process was started with its own', () => {
    const set = jest.fn<(flags: string) => void>();
    expect(limitHeapGrowth([], set)).toBe(true);
    expect(set).toHaveBeenCalledWith(HEAP_GROWTH_FLAG);
    set.mockClear();
    for (const own of ['--heap-growing-percent=80', '--heap_growing_percent=0']) {
      expect(limitHeapGrowth(['--enable-source-maps', own], set)).toBe(false);
    }
    expect(set).not.toHaveBeenCalled();
  });

  // setFlagsFromString ignores a flag V8 no longer knows: this fails if an upgrade of Node drops or renames it.
  it('bounds the heap a garbage-making process reserves, set at runtime', () => {
    const unlimited = largestHeap();
    const limited = largestHeap(HEAP_GROWTH_FLAG);
    expect(unlimited).toBeGreaterThan(120);
    expect(limited).toBeLessThan(unlimited * 0.75);
  }, 30_000);
});
