import type { DataSource } from 'typeorm';
import type { DataCipher } from '../common/crypto/data-cipher.js';
import { open, openNote, seal, sealNote } from './contact-request-sealing.js';
import { ContactRequestsRepository } from './contact-requests.repository.js';

const BATCH = 200;

/**
 * Moves every encrypted value to the current key (and every blind index with it), in batches of one transaction
 * each, skipping rows another process holds. Safe to run while the API serves and to run again. For `npm run
 * reencrypt`, outside Nest's container.
 */
export async function reencryptContactData(
  dataSource: DataSource,
  cipher: DataCipher,
): Promise<{ contactRequests: number; notes: number }> {
  const requests = new ContactRequestsRepository(dataSource);
  const current = `v1.${cipher.currentKeyId}.`;
  const counts = { contactRequests: 0, notes: 0 };
  for (;;) {
    const moved = await requests.transaction(async (manager) => {
      const rows = await requests.findNotEncryptedWith(current, BATCH, manager);
      for (const row of rows) {
        await requests.updateColumns(row.id, seal(cipher, row.id, open(cipher, row)), manager);
      }
      return rows.length;
    });
    counts.contactRequests += moved;
    if (moved < BATCH) break;
  }
  for (;;) {
    const moved = await requests.transaction(async (manager) => {
      const notes = await requests.findNotesNotEncryptedWith(current, BATCH, manager);
      for (const note of notes) {
        await requests.updateNoteCipher(note.id, sealNote(cipher, note.id, openNote(cipher, note)), manager);
      }
      return notes.length;
    });
    counts.notes += moved;
    if (moved < BATCH) break;
  }
  return counts;
}
