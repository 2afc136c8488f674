import { Injectable, type OnModuleInit, Optional, SetMetadata } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import type { EntityManager } from 'typeorm';
import type { User } from './user.entity.js';

/** What an observer has to say about a deletion: facts for the `user.deleted` audit event, work after it commits. */
export interface UserDeletionOutcome {
  /** Merged into the `user.deleted` event's metadata: references and counts, never secrets or personal data. */
  metadata?: Record<string, unknown>;
  /** Runs once the deletion has committed (poking a dispatcher for the rows written with it). */
  afterCommit?: () => void;
}

/**
 * What a feature does when a staff account is deleted, in the deletion's transaction, before the account's row goes:
 * records that outlive the account (API keys it created) can be reported, and the report written with the change. A
 * feature implements it in a provider of its own module marked `@UserDeletionObserverProvider()`; the users feature
 * finds every such provider at startup and imports none of them.
 */
export interface UserDeletionObserver {
  userDeleting(user: User, manager: EntityManager): Promise<UserDeletionOutcome>;
}

const USER_DELETION_OBSERVER = 'wellclinic:user-deletion-observer';

/** Marks a provider class implementing UserDeletionObserver. */
export function UserDeletionObserverProvider(): ClassDecorator {
  return SetMetadata(USER_DELETION_OBSERVER, true);
}

/** Every feature's UserDeletionObserver, found among the app's providers (none outside Nest: the command line). */
@Injectable()
export class UserDeletionObservers implements OnModuleInit {
  private observers: UserDeletionObserver[] = [];

  constructor(@Optional() private readonly discovery?: DiscoveryService) {}

  onModuleInit(): void {
    this.observers = (this.discovery?.getProviders() ?? [])
      .filter((w) => w.metatype && Reflect.getMetadata(USER_DELETION_OBSERVER, w.metatype) === true)
      .map((w) => w.instance as UserDeletionObserver)
      .filter((observer, i, all) => observer && all.indexOf(observer) === i);
  }

  /** Asks each observer in turn; their metadata merged, their after-commit work in one function. */
  async userDeleting(user: User, manager: EntityManager): Promise<Required<UserDeletionOutcome>> {
    const metadata: Record<string, unknown> = {};
    const after: (() => void)[] = [];
    for (const observer of this.observers) {
      const outcome = await observer.userDeleting(user, manager);
      Object.assign(metadata, outcome.metadata);
      if (outcome.afterCommit) after.push(outcome.afterCommit);
    }
    return { metadata, afterCommit: () => after.forEach((run) => run()) };
  }
}
