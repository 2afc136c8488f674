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
  constructor(options) {
    super(options);
    /** Path patterns the run was narrowed by (`--testPathPatterns`, or paths as arguments). */
    this.patterns = options.globalConfig?.testPathPatterns?.patterns ?? [];
    this.onlyFailures = options.globalConfig?.onlyFailures === true;
  }

  /** The files the group file at `path` imports. */
  membersOf(path) {
    return membersOf(path);
  }

  /**
   * The files to run. A file a selected group imports runs in that group, not a second time on its own. A run
   * narrowed by path patterns runs the files they name on their own, and a group only when a pattern names
   * `groups/`: `--testPathPatterns accounts` means the accounts files, not every suite of the accounts group.
   */
  selected(all) {
    const narrowed = this.patterns.length > 0 && !this.patterns.some((pattern) => pattern.includes('groups'));
    const groups = narrowed ? [] : all.filter((test) => GROUP_FILE.test(test.path));
    const grouped = new Set();
    for (const test of groups) {
      const members = this.membersOf(test.path);
      // A group imports its files whatever --testPathIgnorePatterns says: ignoring one of them would not.
      const ignored = (test.context.config.testPathIgnorePatterns ?? []).map((pattern) => new RegExp(pattern));
      const kept = members.filter((path) => ignored.some((pattern) => pattern.test(path)));
      if (kept.length > 0) {
        throw new Error(`${test.path} runs ${kept.join(', ')}, which the run ignores: take them out of the group`);
      }
      for (const path of members) grouped.add(path);
    }
    // With --onlyFailures Jest keeps the files that failed last time: one that failed on its own stays in.
    const inGroup = (test) => grouped.has(test.path) && !(this.onlyFailures && this.hasFailed(test));
    return all.filter((test) => !inGroup(test) && !(narrowed && GROUP_FILE.test(test.path)));
  }

  /** Jest shards before it sorts: a group and its files in two shards would run them twice. */
  shard(tests, options) {
    return super.shard(this.selected(tests), options);
  }

  sort(all) {
    const tests = this.selected(all);
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
