import { jest } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { HEAP_GROWING_PERCENT, heapGrowthFlag, limitHeapGrowth } from './heap-growth.js';

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
  const apply = (env: NodeJS.ProcessEnv, execArgv: string[] = []) => {
    const set = jest.fn<(flags: string) => void>();
    const applied = limitHeapGrowth(env, execArgv, set);
    return { applied, flags: set.mock.calls.map(([flags]) => flags) };
  };

  it('sets the default limit, or HEAP_GROWING_PERCENT', () => {
    expect(apply({})).toEqual({ applied: HEAP_GROWING_PERCENT, flags: [heapGrowthFlag(HEAP_GROWING_PERCENT)] });
    expect(apply({ HEAP_GROWING_PERCENT: '' })).toEqual({ applied: 50, flags: ['--heap-growing-percent=50'] });
    expect(apply({ HEAP_GROWING_PERCENT: ' 120 ' })).toEqual({ applied: 120, flags: ['--heap-growing-percent=120'] });
  });

  it("leaves V8's behaviour for 0, and sets nothing for a value the configuration refuses", () => {
    for (const value of ['0', '-5', '1.5', 'lots', '1001']) {
      expect(apply({ HEAP_GROWING_PERCENT: value })).toEqual({ applied: undefined, flags: [] });
    }
  });

  it('leaves a limit given on the command line alone', () => {
    for (const own of ['--heap-growing-percent=80', '--heap_growing_percent=0']) {
      expect(apply({ HEAP_GROWING_PERCENT: '30' }, ['--enable-source-maps', own])).toEqual({
        applied: undefined,
        flags: [],
      });
    }
  });

  // setFlagsFromString ignores a flag V8 no longer knows: this fails if an upgrade of Node drops or renames it.
  it('bounds the heap a garbage-making process reserves, set at runtime', () => {
    const unlimited = largestHeap();
    const limited = largestHeap(heapGrowthFlag(HEAP_GROWING_PERCENT));
    expect(unlimited).toBeGreaterThan(120);
    expect(limited).toBeLessThan(unlimited * 0.75);
  }, 30_000);
});
