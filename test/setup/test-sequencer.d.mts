import type { Test } from '@jest/test-result';

/** test/setup/test-sequencer.mjs */
export const GROUP_FILE: RegExp;
export function membersOf(groupPath: string, source?: string): string[];

export default class LongestFirstSequencer {
  constructor(options: { contexts: unknown[]; globalConfig: unknown });
  selected(tests: Test[]): Test[];
  shard(tests: Test[], options: { shardIndex: number; shardCount: number }): Test[];
  membersOf(path: string): string[];
  sort(tests: Test[]): Test[];
}
