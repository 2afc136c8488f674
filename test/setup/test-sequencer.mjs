// The order in which Jest hands test files to its two workers: the longest first, so that the workers finish together
// instead of one of them running a long file alone at the end.
//
// Jest already orders by the durations it recorded in its cache on the last run. On a fresh clone it has none and
// falls back to file size, which says little here: first-admin (8 kB) boots seven apps and takes tens of seconds,
// articles (50 kB) takes a few. So a file Jest has no duration for gets the one recorded below, from a full embedded
// `npm test` (two workers); a file in neither gets an estimate from its size, as Jest's own fallback has it.
//
// It also leaves out the files that a selected group file runs (test/groups/README.md).
import { readFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import Sequencer from '@jest/test-sequencer';

/** Seconds per file, rounded; the slowest files of a full embedded run. Refresh when the slow files change. */
const RECORDED = JSON.parse(readFileSync(new URL('./test-durations.json', import.meta.url), 'utf8'));

/** For a file never recorded: a second per 10 kB, which places it among the quick files it most likely is. */
const SECONDS_PER_BYTE = 1 / 10_000;

/** A group file (test/groups/README.md): one Jest test file that imports several suites. */
export const GROUP_FILE = /\.group-spec\.ts$/;

/** The test files a group file imports (`import '../x.e2e-spec.js';`), as absolute paths of their sources. */
export function membersOf(groupPath, source = readFileSync(groupPath, 'utf8')) {
  return [...source.matchAll(/^import '(\.{1,2}\/[^']+)\.js';$/gm)].map(([, path]) =>
    resolve(dirname(groupPath), `${path}.ts`),
  );
}

// A CommonJS module: its class is the default export's `default`.
const JestSequencer = Sequencer.default ?? Sequencer;

export default class LongestFirstSequencer extends JestSequencer {
  /** The files the group file at `path` imports. */
  membersOf(path) {
    return membersOf(path);
  }

  sort(all) {
    // A file a selected group imports runs in that group, not a second time on its own; a file whose group is not
    // selected (a run of a few files by path) runs on its own.
    const grouped = new Set(
      all.filter((test) => GROUP_FILE.test(test.path)).flatMap((test) => this.membersOf(test.path)),
    );
    const tests = all.filter((test) => !grouped.has(test.path));
    const estimate = new Map(
      tests.map((test) => {
        const cached = this.time(test);
        if (cached != null) return [test, cached];
        const recorded = RECORDED[relative(test.context.config.rootDir, test.path)];
        if (recorded != null) return [test, recorded * 1000];
        return [test, (test.context.hasteFS.getSize(test.path) ?? 0) * SECONDS_PER_BYTE * 1000];
      }),
    );
    // As Jest does: the files that failed last time first, for quick feedback.
    return tests.sort(
      (a, b) =>
        Number(this.hasFailed(b)) - Number(this.hasFailed(a)) ||
        estimate.get(b) - estimate.get(a) ||
        a.path.localeCompare(b.path),
    );
  }
}
