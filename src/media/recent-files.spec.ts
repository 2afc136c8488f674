import { ManualClock } from '../common/clock/clock.js';
import { RECENT_FILES_TTL_MS, RecentFiles } from './recent-files.js';

const HASH = 'a'.repeat(64);
const OTHER = 'b'.repeat(64);
const bytes = (n: number) => Buffer.alloc(n, 1);

describe('RecentFiles', () => {
  const clock = new ManualClock(new Date('2026-01-05T10:00:00Z'));

  it('keeps files up to its byte budget, forgetting the least recently used first', () => {
    const recent = new RecentFiles(clock, 100);
    recent.set(HASH, '320.jpg', bytes(40));
    recent.set(HASH, '640.jpg', bytes(40));
    expect(recent.get(HASH, '320.jpg')?.length).toBe(40);
    recent.set(OTHER, '320.jpg', bytes(40));
    expect([recent.get(HASH, '640.jpg'), recent.get(HASH, '320.jpg')?.length, recent.totalBytes]).toEqual([
      undefined,
      40,
      80,
    ]);
    recent.set(OTHER, 'original.jpg', bytes(101));
    expect([recent.get(OTHER, 'original.jpg'), recent.totalBytes]).toEqual([undefined, 80]);
  });

  it('evicts every file of a hash, and forgets files older than its time to live', () => {
    const recent = new RecentFiles(clock, 100);
    recent.set(HASH, '320.jpg', bytes(10));
    recent.set(HASH, '640.jpg', bytes(10));
    recent.set(OTHER, '320.jpg', bytes(10));
    recent.evict(HASH);
    expect([recent.get(HASH, '320.jpg'), recent.get(HASH, '640.jpg'), recent.totalBytes]).toEqual([
      undefined,
      undefined,
      10,
    ]);
    clock.set(new Date(clock.now().getTime() + RECENT_FILES_TTL_MS + 1));
    expect([recent.get(OTHER, '320.jpg'), recent.totalBytes]).toEqual([undefined, 0]);
  });
});
