import type { Test } from '@jest/test-result';

/** test/setup/test-sequencer.mjs */
export default class LongestFirstSequencer {
  constructor(options: { contexts: unknown[]; globalConfig: unknown });
  sort(tests: Test[]): Test[];
}
