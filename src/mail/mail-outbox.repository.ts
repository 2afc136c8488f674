import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager, In, LessThan, Like, Not } from 'typeorm';
import { claimLeased } from '../common/outbox/lease.js';
import { AggregateRepository } from '../common/persistence/aggregate.repository.js';
import { insertTogether, type PendingRow, pendingRow } from '../common/persistence/insert-together.js';
import { type MailKind, MailMessage } from './mail-message.entity.js';

/** A message as the outbox writes it: due at once, never attempted. */
export type NewMailMessage = Pick<
  MailMessage,
  'id' | 'kind' | 'audience' | 'recipientCipher' | 'entityId' | 'params' | 'nextAttemptAt' | 'giveUpAt' | 'createdAt'
>;

/** What an attempt's outcome writes; the claim's lease ends with it. */
export type MailOutcome = Partial<
  Pick<MailMessage, 'status' | 'sentAt' | 'nextAttemptAt' | 'recipientCipher' | 'params'>
> &
  Pick<MailMessage, 'lastError' | 'sentTo'>;

/** The email outbox (`mail_outbox`). */
@Injectable()
export class MailOutboxRepository extends AggregateRepository<MailMessage> {
  constructor(@InjectDataSource() dataSource: DataSource) {
    super(dataSource, MailMessage);
  }

  /** The messages as rows, for a caller that inserts them together with its change (`insertTogether`). */
  rows(messages: readonly NewMailMessage[]): PendingRow<MailMessage>[] {
    return messages.map((m) => pendingRow(MailMessage, { ...m, status: 'pending' }));
  }

  /** Writes the rows in the caller's transaction (one statement). */
  async insert(rows: readonly PendingRow[], manager: EntityManager): Promise<void> {
    if (rows.length > 0) await insertTogether(manager, rows);
  }

  /** Messages whose recipient is not stored under the key whose values start with `currentPrefix`, locked. */
  findRecipientsNotEncryptedWith(currentPrefix: string, manager: EntityManager): Promise<MailMessage[]> {
    return manager.find(MailMessage, {
      where: { recipientCipher: Not(Like(`${currentPrefix}%`)) },
      order: { id: 'ASC' },
      lock: { mode: 'pessimistic_write' },
    });
  }

  async updateRecipient(id: string, recipientCipher: string, manager: EntityManager): Promise<void> {
    await manager.update(MailMessage, { id }, { recipientCipher });
  }

  /**
   * Messages holding an encrypted secret parameter (`params.secret`, a reset token: only until the message is done
   * with) that is not stored under the key whose values start with `currentPrefix`, locked.
   */
  findSecretsNotEncryptedWith(currentPrefix: string, manager: EntityManager): Promise<MailMessage[]> {
    return manager
      .createQueryBuilder(MailMessage, 'm')
      .where(`m.params->>'secret' IS NOT NULL AND m.params->>'secret' NOT LIKE :current`, {
        current: `${currentPrefix}%`,
      })
      .orderBy('m.id', 'ASC')
      .setLock('pessimistic_write')
      .getMany();
  }

  async updateParams(id: string, params: Record<string, string | null>, manager: EntityManager): Promise<void> {
    await manager.update(MailMessage, { id }, { params });
  }

  /**
   * Claims up to `limit` due pending messages that no live lease holds, oldest due first (`FOR UPDATE SKIP LOCKED`:
   * concurrent claimers take other rows), counts the attempt and leases them until `lockedUntil`. One statement of
   * its own: the embedded database's one connection must never wait on an SMTP server.
   */
  claimDue(now: Date, lockedUntil: Date, limit: number): Promise<MailMessage[]> {
    return claimLeased(this.manager(), MailMessage, 'm', { now, lockedUntil, limit });
  }

  /**
   * Fenced progress of attempt number `attempts`, before each recipient: renews its lease until `lockedUntil` and
   * records whom it has reached. False (nothing written) when the attempt no longer holds the message (claimed again
   * after its lease ran out, finished, or deleted by an erasure): it must send nothing more.
   */
  async holdLease(id: string, attempts: number, lockedUntil: Date, sentTo: readonly string[]): Promise<boolean> {
    const updated = await this.manager()
      .createQueryBuilder()
      .update(MailMessage)
      .set({ lockedUntil, sentTo: [...sentTo] })
      .where('id = :id AND attempts = :attempts AND status = :pending', { id, attempts, pending: 'pending' })
      .execute();
    return updated.affected !== 0;
  }

  /**
   * Records the outcome of attempt number `attempts` and ends its lease; false (nothing written) when the message is
   * no longer pending or was claimed again since, so an attempt that outlived its lease cannot overwrite a newer one.
   */
  async recordOutcome(id: string, attempts: number, outcome: MailOutcome): Promise<boolean> {
    const updated = await this.manager()
      .createQueryBuilder()
      .update(MailMessage)
      .set({ ...outcome, lockedUntil: null })
      .where('id = :id AND attempts = :attempts AND status = :pending', { id, attempts, pending: 'pending' })
      .execute();
    return updated.affected !== 0;
  }

  /** Messages waiting and failed for good, and how long the oldest due one has waited past its due time. */
  async backlog(now: Date): Promise<{ pending: number; failed: number; oldestDueSeconds: number }> {
    const [row] = await this.manager().query<{ pending: number; failed: number; oldest: Date | null }[]>(
      `SELECT count(*) FILTER (WHERE status = 'pending')::int AS pending,
              count(*) FILTER (WHERE status = 'failed')::int AS failed,
              min(created_at) FILTER (WHERE status = 'pending' AND next_attempt_at <= $1) AS oldest
         FROM mail_outbox`,
      [now],
    );
    const oldest = row.oldest ? new Date(row.oldest) : undefined;
    return {
      pending: row.pending,
      failed: row.failed,
      oldestDueSeconds: oldest ? Math.max(0, (now.getTime() - oldest.getTime()) / 1000) : 0,
    };
  }

  /** Deletes the messages of `kinds` about these entities that are not sent yet, in the caller's transaction. */
  async deletePendingAbout(
    entityIds: readonly string[],
    kinds: readonly MailKind[],
    manager: EntityManager,
  ): Promise<number> {
    if (entityIds.length === 0) return 0;
    const { affected } = await manager
      .createQueryBuilder()
      .delete()
      .from(MailMessage)
      // One array parameter, however many a purge deletes.
      .where('status = :pending AND kind IN (:...kinds) AND entity_id = ANY(:ids)', {
        pending: 'pending',
        kinds,
        ids: [...entityIds],
      })
      .execute();
    return affected ?? 0;
  }

  /** Deletes sent and failed messages created before `cutoff`; returns how many. */
  async purgeFinished(cutoff: Date, manager?: EntityManager): Promise<number> {
    const { affected } = await this.manager(manager).delete(MailMessage, {
      status: In(['sent', 'failed']),
      createdAt: LessThan(cutoff),
    });
    return affected ?? 0;
  }
}
