import type { Test } from '@jest/test-result';
import { readFileSync } from 'node:fs';
import LongestFirstSequencer from './test-sequencer.mjs';

const ROOT = '/repo';
const RECORDED = JSON.parse(readFileSync(new URL('./test-durations.json', import.meta.url), 'utf8')) as Record<
  string,
  number
>;
/** The recorded files, longest first. */
const LONGEST = Object.entries(RECORDED)
  .sort(([, a], [, b]) => b - a)
  .map(([path]) => path);

/** A test file as Jest hands it over, in a project without a cache (so Jest recorded no duration). */
function file(path: string, size: number): Test {
  return {
    path: `${ROOT}/${path}`,
    context: { config: { rootDir: ROOT, cache: false }, hasteFS: { getSize: () => size } },
  } as unknown as Test;
}

describe('the test sequencer', () => {
  const sequencer = new LongestFirstSequencer({ contexts: [], globalConfig: {} });
  const order = (tests: Test[]) => sequencer.sort(tests).map((t) => t.path.slice(ROOT.length + 1));

  it('runs the files with a recorded duration first, longest first, whatever their size', () => {
    // Three of strictly decreasing duration.
    const picked = [LONGEST[0]];
    for (const path of LONGEST) if (picked.length < 3 && RECORDED[path] < RECORDED[picked.at(-1)!]) picked.push(path);
    // Sizes in the opposite order, so Jest's own fallback (the biggest first) would run them backwards.
    const tests = picked.map((path, i) => file(path, 1_000 * (i + 1))).reverse();
    expect(order(tests)).toEqual(picked);
  });

  it('places a file never recorded by its size, after the slow recorded ones', () => {
    expect(
      order([file('src/new-small.spec.ts', 1_000), file('test/new-big.e2e-spec.ts', 60_000), file(LONGEST[0], 8_000)]),
    ).toEqual([LONGEST[0], 'test/new-big.e2e-spec.ts', 'src/new-small.spec.ts']);
  });
});
