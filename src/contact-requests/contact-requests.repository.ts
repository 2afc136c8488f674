import { Injectable } from '@nestjs/common';
import { SERVICE_TAKEN_BY_PUBLIC_FORMS } from '../services/index.js';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  DataSource,
  type EntityManager,
  type FindOperator,
  type FindOptionsWhere,
  In,
  LessThan,
  Like,
  Not,
  type QueryDeepPartialEntity,
} from 'typeorm';
import { type PendingRow, pendingRow, type SqlCondition } from '../common/persistence/insert-together.js';
import { VersionedRepository } from '../common/persistence/versioned.repository.js';
import { ContactRequestNote } from './contact-request-note.entity.js';
import { ContactRequestStatusChange } from './contact-request-status-change.entity.js';
import {
  type ContactChannel,
  ContactRequest,
  type ContactRequestStatus,
  OPEN_STATUSES,
} from './contact-request.entity.js';

/** What announcing an overdue reply needs of a request: nothing personal. */
export type OverdueRequest = Pick<ContactRequest, 'id' | 'reference' | 'channel' | 'createdAt' | 'expectedReplyBy'>;

/** What the staff list narrows to: every given condition holds. */
export interface ContactRequestFilter {
  status?: ContactRequestStatus;
  channel?: ContactChannel;
  /** Slugs of what the person named. */
  serviceInterest?: string;
  location?: string;
  preferredPractitioner?: string;
  /** When it was received (see `instantRange`). */
  createdAt?: FindOperator<Date>;
  /** Any of these blind indexes of the phone number (one per known key). */
  phoneIndexes?: string[];
  /** Any of these blind indexes of the email address. */
  emailIndexes?: string[];
}

/** The directory records a request names, by slug (each optional). */
export interface NamedRecords {
  serviceInterest: string | null;
  location: string | null;
  preferredPractitioner: string | null;
}

/**
 * The table each named field refers to (every one has `slug`), and the predicate on its row that the public form may
 * name it: published (a service also when it is a former enum value).
 */
const NAMED_TABLES: Record<keyof NamedRecords, { table: string; taken: string }> = {
  serviceInterest: { table: 'services', taken: SERVICE_TAKEN_BY_PUBLIC_FORMS },
  location: { table: 'locations', taken: 'published' },
  preferredPractitioner: { table: 'practitioners', taken: 'published' },
};

const namedEntries = (named: NamedRecords) =>
  (Object.keys(NAMED_TABLES) as (keyof NamedRecords)[]).flatMap((field) => {
    const slug = named[field];
    return slug !== null ? [{ field, slug, ...NAMED_TABLES[field] }] : [];
  });

/** SQL true when the record `slugSql` (a placeholder) names in `table` is one the public form may name. */
const takenByForms = ({ table, taken }: { table: string; taken: string }, slugSql: string): string =>
  `EXISTS (SELECT 1 FROM ${table} WHERE slug = ${slugSql} AND ${taken})`;

/** The instants a retention purge deletes and counts by. */
export interface PurgeCutoffs {
  /** Closed and spam requests whose status last changed before it go. */
  cutoff: Date;
  /** Every request received before it goes. */
  maxAgeCutoff: Date;
  /** Open requests received before it are counted as waiting too long. */
  staleSince: Date;
}

export interface PurgedRequests {
  /** Deleted as closed or spam since before the cutoff. */
  closedOrSpam: number;
  /** The statuses of those deleted (besides the above) as received before the maximum-age cutoff, one per request. */
  pastMaxAge: ContactRequestStatus[];
  /** Open requests received before `staleSince` that are kept. */
  staleOpen: number;
  /** Every request deleted: for what other features keep about them. */
  ids: string[];
}

/**
 * The contact-request aggregate: requests, their notes and their status history (both deleted with their request by
 * the database's ON DELETE CASCADE). Values arrive here sealed (see contact-request-sealing.ts): nothing in clear.
 */
@Injectable()
export class ContactRequestsRepository extends VersionedRepository<ContactRequest> {
  readonly noun = 'contact request';

  constructor(@InjectDataSource() dataSource: DataSource) {
    super(dataSource, ContactRequest);
  }
  /** For the metrics: requests still `new` whose promised reply time has passed. */
  countOverdue(now: Date): Promise<number> {
    return this.manager().countBy(ContactRequest, { status: 'new', expectedReplyBy: LessThan(now) });
  }

  /**
   * Requests still `new` past their promised reply time whose lateness is not announced yet, oldest promise first,
   * locked until the transaction ends: a concurrent sweep skips them rather than waiting.
   */
  dueOverdue(now: Date, limit: number, manager: EntityManager): Promise<OverdueRequest[]> {
    return manager
      .createQueryBuilder(ContactRequest, 'r')
      .select(['r.id', 'r.reference', 'r.channel', 'r.createdAt', 'r.expectedReplyBy'])
      .where("r.status = 'new' AND r.overdueAnnouncedAt IS NULL AND r.expectedReplyBy < :now", { now })
      .orderBy('r.expectedReplyBy', 'ASC')
      .addOrderBy('r.id', 'ASC')
      .limit(limit)
      .setLock('pessimistic_write')
      .setOnLocked('skip_locked')
      .getMany();
  }

  /** Records that their lateness was announced: not a change staff made (no new version). */
  async markOverdueAnnounced(ids: readonly string[], at: Date, manager: EntityManager): Promise<void> {
    if (ids.length === 0) return;
    await manager
      .createQueryBuilder()
      .update(ContactRequest)
      .set({ overdueAnnouncedAt: at, updatedAt: () => 'updated_at' })
      .whereInIds(ids)
      .execute();
  }

  /** Stores a new request (see `sealNewRequest`) with the first entry of its history: received, by nobody. */
  async insert(request: ContactRequest, manager?: EntityManager): Promise<ContactRequest> {
    await this.insertTogether(this.receivedRows(request), {}, manager);
    return request;
  }

  /** A new request and the first entry of its history as rows, for `insertTogether` with what goes with them. */
  receivedRows(request: ContactRequest): PendingRow[] {
    return [
      pendingRow(ContactRequest, request),
      pendingRow(ContactRequestStatusChange, {
        contactRequestId: request.id,
        fromStatus: null,
        toStatus: request.status,
        changedBy: null,
        changedAt: request.createdAt,
      }),
    ];
  }

  /**
   * The condition, for `insertTogether`'s `onlyIf`, that every record the request names is published: checked in the
   * submission's one statement. Undefined when it names none.
   */
  allPublished(named: NamedRecords): SqlCondition | undefined {
    const entries = namedEntries(named);
    if (entries.length === 0) return undefined;
    return (param) => entries.map((entry) => takenByForms(entry, param(entry.slug))).join(' AND ');
  }

  /** Which of the named records are unknown or hidden, in field order: asked only once a submission was refused. */
  async notPublished(named: NamedRecords, manager?: EntityManager): Promise<(keyof NamedRecords)[]> {
    const entries = namedEntries(named);
    if (entries.length === 0) return [];
    const [row] = await this.manager(manager).query<Record<string, boolean>[]>(
      `SELECT ${entries.map((entry, i) => `${takenByForms(entry, `$${i + 1}`)} AS "${entry.field}"`).join(', ')}`,
      entries.map((e) => e.slug),
    );
    return entries.filter((e) => row[e.field] !== true).map((e) => e.field);
  }

  /** One page of requests, newest first (ties by id), and how many match in all. */
  findPage(
    filter: ContactRequestFilter,
    window: { skip: number; take: number },
    manager?: EntityManager,
  ): Promise<[ContactRequest[], number]> {
    const where: FindOptionsWhere<ContactRequest> = {
      ...(filter.status ? { status: filter.status } : {}),
      ...(filter.channel ? { channel: filter.channel } : {}),
      ...(filter.serviceInterest ? { serviceInterest: filter.serviceInterest } : {}),
      ...(filter.location ? { location: filter.location } : {}),
      ...(filter.preferredPractitioner ? { preferredPractitioner: filter.preferredPractitioner } : {}),
      ...(filter.createdAt ? { createdAt: filter.createdAt } : {}),
      ...(filter.phoneIndexes ? { phoneIndex: In(filter.phoneIndexes) } : {}),
      ...(filter.emailIndexes ? { emailIndex: In(filter.emailIndexes) } : {}),
    };
    return this.manager(manager).findAndCount(ContactRequest, {
      where,
      order: { createdAt: 'DESC', id: 'ASC' },
      ...window,
    });
  }

  /** Sets columns of one request as they are (no version bump: the seed and re-encryption, not staff changes). */
  async updateColumns(
    id: string,
    columns: QueryDeepPartialEntity<ContactRequest>,
    manager?: EntityManager,
  ): Promise<void> {
    await this.manager(manager).update(ContactRequest, { id }, columns);
  }

  /** Deletes a request; its notes and history go with it. */
  async delete(id: string, manager?: EntityManager): Promise<void> {
    await this.manager(manager).delete(ContactRequest, { id });
  }

  notes(contactRequestId: string, manager?: EntityManager): Promise<ContactRequestNote[]> {
    return this.manager(manager).find(ContactRequestNote, {
      where: { contactRequestId },
      order: { createdAt: 'ASC', id: 'ASC' },
    });
  }

  async addNote(note: ContactRequestNote, manager?: EntityManager): Promise<void> {
    await this.manager(manager).insert(ContactRequestNote, note);
  }

  /** The status history, oldest first. */
  history(contactRequestId: string, manager?: EntityManager): Promise<ContactRequestStatusChange[]> {
    return this.manager(manager).find(ContactRequestStatusChange, {
      where: { contactRequestId },
      order: { changedAt: 'ASC', id: 'ASC' },
    });
  }

  async addStatusChange(
    change: Omit<ContactRequestStatusChange, 'id' | 'contactRequest'>,
    manager?: EntityManager,
  ): Promise<void> {
    await this.manager(manager).insert(ContactRequestStatusChange, change);
  }

  /**
   * Whether a staff account with this id exists and is active: requests are assigned to those only. (A read of the
   * users feature's table, kept to this one query rather than importing its entity.)
   */
  async isActiveStaff(userId: string, manager?: EntityManager): Promise<boolean> {
    const rows = await this.manager(manager).query<unknown[]>(
      'SELECT 1 FROM users WHERE id = $1 AND active = true LIMIT 1',
      [userId],
    );
    return rows.length > 0;
  }

  /**
   * Deletes closed and spam requests whose status changed before `cutoff`, then every request received before
   * `maxAgeCutoff`, and counts the open requests received before `staleSince` that remain.
   */
  async purgeExpired(cutoffs: PurgeCutoffs, manager?: EntityManager): Promise<PurgedRequests> {
    const m = this.manager(manager);
    const closedOrSpam = await m
      .createQueryBuilder()
      .delete()
      .from(ContactRequest)
      .where("status IN ('closed', 'spam') AND status_changed_at < :cutoff", { cutoff: cutoffs.cutoff })
      .returning(['id'])
      .execute();
    const pastMaxAge = await m
      .createQueryBuilder()
      .delete()
      .from(ContactRequest)
      .where('created_at < :maxAgeCutoff', { maxAgeCutoff: cutoffs.maxAgeCutoff })
      .returning(['id', 'status'])
      .execute();
    const staleOpen = await m
      .createQueryBuilder(ContactRequest, 'r')
      .where('r.status IN (:...open) AND r.created_at < :since', { open: OPEN_STATUSES, since: cutoffs.staleSince })
      .getCount();
    const pastMaxAgeRows = pastMaxAge.raw as { id: string; status: ContactRequestStatus }[];
    return {
      closedOrSpam: closedOrSpam.affected ?? 0,
      pastMaxAge: pastMaxAgeRows.map((row) => row.status),
      staleOpen,
      ids: [...(closedOrSpam.raw as { id: string }[]), ...pastMaxAgeRows].map((row) => row.id),
    };
  }

  /**
   * Up to `take` requests with a value not encrypted under the key whose values start with `currentPrefix`, locked
   * for this transaction; rows another transaction holds are skipped.
   */
  findNotEncryptedWith(currentPrefix: string, take: number, manager: EntityManager): Promise<ContactRequest[]> {
    const stale = Not(Like(`${currentPrefix}%`));
    return manager.find(ContactRequest, {
      where: [{ nameCipher: stale }, { phoneCipher: stale }, { emailCipher: stale }, { messageCipher: stale }],
      order: { id: 'ASC' },
      take,
      lock: { mode: 'pessimistic_write', onLocked: 'skip_locked' },
    });
  }

  /** Likewise for notes. */
  findNotesNotEncryptedWith(
    currentPrefix: string,
    take: number,
    manager: EntityManager,
  ): Promise<ContactRequestNote[]> {
    return manager.find(ContactRequestNote, {
      where: { bodyCipher: Not(Like(`${currentPrefix}%`)) },
      order: { id: 'ASC' },
      take,
      lock: { mode: 'pessimistic_write', onLocked: 'skip_locked' },
    });
  }

  async updateNoteCipher(id: string, bodyCipher: string, manager?: EntityManager): Promise<void> {
    await this.manager(manager).update(ContactRequestNote, { id }, { bodyCipher });
  }
}
