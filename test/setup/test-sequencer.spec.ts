import type { Test } from '@jest/test-result';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import LongestFirstSequencer, { GROUP_FILE, membersOf } from './test-sequencer.mjs';

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
  // Its files are not on disk (a root of their own): the groups among them import nothing here.
  const sequencer = new (class extends LongestFirstSequencer {
    override membersOf = () => [];
  })({ contexts: [], globalConfig: {} });
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

  it('leaves out the files a selected group runs, and runs them on their own when their group is not selected', () => {
    const group = `${ROOT}/test/groups/g.group-spec.ts`;
    const source = "// a group\nimport '../a.e2e-spec.js';\nimport '../medium/b.medium-spec.js';\n";
    const members = membersOf(group, source);
    expect(members).toEqual([`${ROOT}/test/a.e2e-spec.ts`, `${ROOT}/test/medium/b.medium-spec.ts`]);
    // The group's source as the sequencer reads it.
    const withGroup = new (class extends LongestFirstSequencer {
      override membersOf = () => members;
    })({ contexts: [], globalConfig: {} });
    const tests = [
      file('test/a.e2e-spec.ts', 1),
      file('test/medium/b.medium-spec.ts', 1),
      file('test/c.e2e-spec.ts', 1),
    ];
    const run = (list: Test[]) =>
      withGroup
        .sort(list)
        .map((t) => t.path.slice(ROOT.length + 1))
        .sort();
    expect(run([...tests, file('test/groups/g.group-spec.ts', 1)])).toEqual([
      'test/c.e2e-spec.ts',
      'test/groups/g.group-spec.ts',
    ]);
    expect(run(tests)).toEqual(['test/a.e2e-spec.ts', 'test/c.e2e-spec.ts', 'test/medium/b.medium-spec.ts']);
  });

  it('runs the files a path pattern names on their own, not their group, unless it names the groups', () => {
    const group = `${ROOT}/test/groups/accounts.group-spec.ts`;
    const sequencerFor = (patterns: string[]) =>
      new (class extends LongestFirstSequencer {
        override membersOf = () => membersOf(group, "import '../medium/accounts.medium-spec.js';\n");
      })({ contexts: [], globalConfig: { testPathPatterns: { patterns } } });
    // What `--testPathPatterns accounts` selects: the group (its name matches) and the file.
    const selected = [file('test/groups/accounts.group-spec.ts', 1), file('test/medium/accounts.medium-spec.ts', 1)];
    const paths = (tests: Test[]) => tests.map((t) => t.path.slice(ROOT.length + 1));
    expect(paths(sequencerFor(['accounts']).sort([...selected]))).toEqual(['test/medium/accounts.medium-spec.ts']);
    expect(paths(sequencerFor(['groups/accounts']).sort([...selected]))).toEqual([
      'test/groups/accounts.group-spec.ts',
    ]);
    expect(paths(sequencerFor([]).sort([...selected]))).toEqual(['test/groups/accounts.group-spec.ts']);
    // Sharded, a group and its file never land in two shards.
    const shards = [1, 2].map((shardIndex) =>
      paths(sequencerFor([]).shard([...selected], { shardIndex, shardCount: 2 })),
    );
    expect(shards.flat()).toEqual(['test/groups/accounts.group-spec.ts']);
  });
});

describe('the test groups', () => {
  const dirs = ['../groups/', '../groups/unit/'].map((path) => new URL(path, import.meta.url).pathname);
  const groups = dirs.flatMap((dir) =>
    readdirSync(dir)
      .filter((name) => GROUP_FILE.test(name))
      .map((name) => join(dir, name)),
  );

  it('import existing test files, each in one group only', () => {
    expect(groups.length).toBeGreaterThan(0);
    const members = groups.flatMap((group) => membersOf(group));
    expect(members.filter((path) => !existsSync(path))).toEqual([]);
    // e2e and medium suites in the groups of the e2e project, unit tests in those of the unit project.
    const unit = (group: string) => group.includes('/groups/unit/');
    const suffix = (group: string) => (unit(group) ? /[^-]\.spec\.ts$/ : /\.(e2e|medium)-spec\.ts$/);
    expect(groups.flatMap((group) => membersOf(group).filter((path) => !suffix(group).test(path)))).toEqual([]);
    expect(members.filter((path, i) => members.indexOf(path) !== i)).toEqual([]);
  });

  it('import no suite with set-up hooks outside a describe, which would run around the whole group', () => {
    const members = groups.flatMap((group) => membersOf(group));
    const outside = /^(beforeAll|beforeEach|afterEach)\(|^const \w+ = useTestApp\(/m;
    expect(members.filter((path) => outside.test(readFileSync(path, 'utf8')))).toEqual([]);
  });

  it('import nothing else: every line is a comment or a test file', () => {
    for (const group of groups) {
      const lines = readFileSync(group, 'utf8').trim().split('\n');
      expect(lines.filter((line) => !line.startsWith('//') && !/^import '[^']+\.js';$/.test(line))).toEqual([]);
      expect(membersOf(group)).toHaveLength(lines.filter((line) => line.startsWith('import')).length);
    }
  });
});
