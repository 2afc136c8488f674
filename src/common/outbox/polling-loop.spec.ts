import { jest } from '@jest/globals';
import { POKE_DEBOUNCE_MS, PollingLoop } from './polling-loop.js';

/** A loop whose runs the test settles by hand. */
function loopOf(intervalMs: number, { backlogRuns = 0 } = {}) {
  const runs: { resolve: () => void }[] = [];
  let left = backlogRuns;
  const loop = new PollingLoop<{ full: boolean }>({
    intervalMs,
    run: () =>
      new Promise((resolve) => {
        runs.push({ resolve: () => resolve({ full: left-- > 0 }) });
      }),
    backlog: (result) => result.full,
    failed: () => undefined,
  });
  return { loop, runs };
}

/** Lets timers due within `ms` fire and the promises they settle run. */
async function elapse(ms: number): Promise<void> {
  await jest.advanceTimersByTimeAsync(ms);
}

describe('PollingLoop', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('runs once for a burst of pokes, after the debounce', async () => {
    const { loop, runs } = loopOf(5_000);
    loop.poke();
    loop.poke();
    await elapse(POKE_DEBOUNCE_MS - 1);
    expect(runs).toHaveLength(0);
    loop.poke();
    await elapse(1);
    expect(runs).toHaveLength(1);
    runs[0].resolve();
    await elapse(0);
    await loop.stop();
  });

  it('runs again right after a run during which it was poked, else after the interval', async () => {
    const { loop, runs } = loopOf(5_000);
    loop.start();
    await elapse(0);
    expect(runs).toHaveLength(1);
    loop.poke();
    runs[0].resolve();
    await elapse(0);
    expect(runs).toHaveLength(2);
    runs[1].resolve();
    await elapse(4_999);
    expect(runs).toHaveLength(2);
    await elapse(1);
    expect(runs).toHaveLength(3);
    runs[2].resolve();
    await loop.stop();
  });

  it('runs again at once while a run leaves a backlog', async () => {
    const { loop, runs } = loopOf(5_000, { backlogRuns: 2 });
    loop.start();
    for (let i = 0; i < 3; i++) {
      await elapse(0);
      runs[i].resolve();
    }
    await elapse(0);
    expect(runs).toHaveLength(3);
    await loop.stop();
  });

  it('with interval 0 never runs by itself, but runOnce runs', async () => {
    const { loop, runs } = loopOf(0);
    loop.start();
    loop.poke();
    await elapse(60_000);
    expect(runs).toHaveLength(0);
    const run = loop.runOnce();
    runs[0].resolve();
    await expect(run).resolves.toEqual({ full: false });
  });

  it('stops: no run after stop, and stop waits for the run under way', async () => {
    const { loop, runs } = loopOf(5_000);
    const run = loop.runOnce();
    let stopped = false;
    const stopping = loop.stop().then(() => (stopped = true));
    loop.poke();
    await elapse(10_000);
    expect([runs.length, stopped, loop.isStopped]).toEqual([1, false, true]);
    runs[0].resolve();
    await run;
    await stopping;
    expect(stopped).toBe(true);
  });
});
