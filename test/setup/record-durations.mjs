// Writes test/setup/test-durations.json from the JSON report of a full embedded run, which the test sequencer uses on
// a fresh clone (Jest has recorded no durations there):
//
//   npm test -- --json --outputFile=/tmp/jest-report.json && node test/setup/record-durations.mjs /tmp/jest-report.json
//
// Keeps the files of at least a second, in seconds, rounded, the longest first. A file whose tests were all skipped
// (the browser test without Chromium, the suites that need PostgreSQL) keeps the duration recorded before.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const [report] = process.argv.slice(2);
if (!report) throw new Error('usage: node test/setup/record-durations.mjs <jest --json report>');
const root = fileURLToPath(new URL('../..', import.meta.url));
const file = new URL('./test-durations.json', import.meta.url);
const before = JSON.parse(readFileSync(file, 'utf8'));
const { testResults } = JSON.parse(readFileSync(report, 'utf8'));
const durations = testResults
  .map(({ name, startTime, endTime, assertionResults }) => {
    const path = relative(root, name);
    const skipped = assertionResults.every(({ status }) => status === 'pending' || status === 'skipped');
    return [path, skipped ? before[path] : Math.round((endTime - startTime) / 1000)];
  })
  .filter(([path, seconds]) => seconds >= 1 && existsSync(`${root}/${path}`))
  .sort(([pathA, a], [pathB, b]) => b - a || pathA.localeCompare(pathB));
writeFileSync(file, `${JSON.stringify(Object.fromEntries(durations), null, 2)}\n`);
process.stdout.write(`${durations.length} files recorded\n`);
