import { mapLimited } from './map-limited.js';

describe('mapLimited', () => {
  it('answers in the order of the items, running at most `limit` at once', async () => {
    let running = 0;
    let most = 0;
    const started: number[] = [];
    const results = await mapLimited([5, 1, 4, 2, 3, 0, 6], 3, async (n) => {
      started.push(n);
      running += 1;
      most = Math.max(most, running);
      // Later items finish first, so the order of answers cannot come from the order of completion.
      await new Promise((resolve) => setImmediate(resolve));
      for (let i = 0; i < n; i++) await Promise.resolve();
      running -= 1;
      return n * 10;
    });
    expect(results).toEqual([50, 10, 40, 20, 30, 0, 60]);
    expect(most).toBe(3);
    expect(started.sort()).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });

  it('answers nothing for no items, and runs every item even when the limit is above their number', async () => {
    expect(await mapLimited([], 4, () => Promise.resolve(1))).toEqual([]);
    expect(await mapLimited(['a', 'b'], 10, (s) => Promise.resolve(s.toUpperCase()))).toEqual(['A', 'B']);
  });

  it('rejects when a piece of work rejects', async () => {
    await expect(
      mapLimited([1, 2, 3], 2, (n) => (n === 2 ? Promise.reject(new Error('no')) : Promise.resolve(n))),
    ).rejects.toThrow('no');
  });
});
