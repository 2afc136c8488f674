import { Not, Like, type DataSource } from 'typeorm';
import type { DataCipher } from '../common/crypto/data-cipher.js';
import { open, openNote, seal, sealNote } from './contact-request-records.js';
import { ContactRequestNote } from './contact-request-note.entity.js';
import { ContactRequest } from './contact-request.entity.js';

const BATCH = 200;

/**
 * Moves every encrypted value to the current key (and every blind index with it), in batches of one transaction
 * each, skipping rows another process holds. Safe to run while the API serves and to run again.
 */
export async function reencryptContactData(
  dataSource: DataSource,
  cipher: DataCipher,
): Promise<{ contactRequests: number; notes: number }> {
  const current = `v1.${cipher.currentKeyId}.%`;
  const stale = Not(Like(current));
  const counts = { contactRequests: 0, notes: 0 };
  for (;;) {
    const moved = await dataSource.transaction(async (manager) => {
      const rows = await manager.find(ContactRequest, {
        where: [{ nameCipher: stale }, { phoneCipher: stale }, { emailCipher: stale }, { messageCipher: stale }],
        order: { id: 'ASC' },
        take: BATCH,
        lock: { mode: 'pessimistic_write', onLocked: 'skip_locked' },
      });
      for (const row of rows) {
        await manager.update(ContactRequest, { id: row.id }, seal(cipher, row.id, open(cipher, row)));
      }
      return rows.length;
    });
    counts.contactRequests += moved;
    if (moved < BATCH) break;
  }
  for (;;) {
    const moved = await dataSource.transaction(async (manager) => {
      const notes = await manager.find(ContactRequestNote, {
        where: { bodyCipher: stale },
        order: { id: 'ASC' },
        take: BATCH,
        lock: { mode: 'pessimistic_write', onLocked: 'skip_locked' },
      });
      for (const note of notes) {
        await manager.update(
          ContactRequestNote,
          { id: note.id },
          { bodyCipher: sealNote(cipher, note.id, openNote(cipher, note)) },
        );
      }
      return notes.length;
    });
    counts.notes += moved;
    if (moved < BATCH) break;
  }
  return counts;
}
