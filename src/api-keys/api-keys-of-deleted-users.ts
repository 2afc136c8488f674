import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Clock } from '../common/clock/clock.js';
import { MailDispatcher, StaffMail } from '../mail/index.js';
import {
  type User,
  type UserDeletionObserver,
  UserDeletionObserverProvider,
  type UserDeletionOutcome,
} from '../users/index.js';
import { ApiKeysRepository } from './api-keys.repository.js';

/**
 * Keys belong to the clinic: deleting the admin who created some leaves them working. So that this is a decision and
 * not an accident, the deletion reports the keys that still work: the `user.deleted` audit event lists them
 * (`apiKeysKept`: count and ids) and the admins who want to know are emailed their names and ids (never a secret or
 * a prefix), in the deletion's transaction. Revoked and expired keys are not reported: they already do nothing.
 */
@Injectable()
@UserDeletionObserverProvider()
export class ApiKeysOfDeletedUsers implements UserDeletionObserver {
  constructor(
    private readonly keys: ApiKeysRepository,
    private readonly mail: StaffMail,
    private readonly dispatcher: MailDispatcher,
    private readonly clock: Clock,
  ) {}

  async userDeleting(user: User, manager: EntityManager): Promise<UserDeletionOutcome> {
    const now = this.clock.now();
    const kept = await this.keys.findActiveCreatedBy(user.id, now, manager);
    if (kept.length === 0) return {};
    const rows = this.mail.apiKeysOfDeletedUserRows({
      userId: user.id,
      deletedAt: now,
      keys: kept.map((key) => ({ id: key.id, name: key.name })),
    });
    await this.mail.enqueue(manager, rows);
    return {
      metadata: { apiKeysKept: { count: kept.length, ids: kept.map((key) => key.id) } },
      afterCommit: rows.length > 0 ? () => this.dispatcher.poke() : undefined,
    };
  }
}
