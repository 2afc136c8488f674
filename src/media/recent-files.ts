import { Clock } from '../common/clock/clock.js';

/** The most bytes of recently served files kept in memory. */
export const RECENT_FILES_MAX_BYTES = 32 * 1024 * 1024;
/**
 * How long a file stays in memory at most: a delete evicts it from this instance at once, but another instance keeps
 * serving it until then.
 */
export const RECENT_FILES_TTL_MS = 10 * 60 * 1000;

interface Entry {
  data: Buffer;
  at: number;
}

/**
 * Recently served media files, least recently used first out, bounded by their total bytes: hot images are not read
 * from storage (bytea rows) on every request. Content-addressed, so an entry is never stale, only deleted.
 */
export class RecentFiles {
  private readonly entries = new Map<string, Entry>();
  private bytes = 0;

  constructor(
    private readonly clock: Clock,
    readonly maxBytes: number = RECENT_FILES_MAX_BYTES,
  ) {}

  get(hash: string, name: string): Buffer | undefined {
    const key = `${hash}/${name}`;
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    this.entries.delete(key);
    if (this.clock.now().getTime() - entry.at > RECENT_FILES_TTL_MS) {
      this.bytes -= entry.data.length;
      return undefined;
    }
    this.entries.set(key, entry);
    return entry.data;
  }

  set(hash: string, name: string, data: Buffer): void {
    if (data.length > this.maxBytes) return;
    const key = `${hash}/${name}`;
    const previous = this.entries.get(key);
    if (previous) {
      this.entries.delete(key);
      this.bytes -= previous.data.length;
    }
    this.entries.set(key, { data, at: this.clock.now().getTime() });
    this.bytes += data.length;
    for (const [oldest, entry] of this.entries) {
      if (this.bytes <= this.maxBytes) break;
      this.entries.delete(oldest);
      this.bytes -= entry.data.length;
    }
  }

  /** Forgets every file of `hash` (its last item was deleted). */
  evict(hash: string): void {
    for (const [key, entry] of this.entries) {
      if (!key.startsWith(`${hash}/`)) continue;
      this.entries.delete(key);
      this.bytes -= entry.data.length;
    }
  }

  get totalBytes(): number {
    return this.bytes;
  }
}
