import { randomUUID } from 'node:crypto';
import { Column, DataSource, Entity, type EntityManager, PrimaryGeneratedColumn } from 'typeorm';
import { AuditLog, type AuditContext, type AuditRecord } from '../../src/common/audit/audit-log.js';
import { AppException } from '../../src/common/errors/app-exception.js';
import { ResponseCache } from '../../src/common/http/caching/index.js';
import { StaffEditedEntity } from '../../src/common/persistence/versioned.entity.js';
import { VersionedRepository } from '../../src/common/persistence/versioned.repository.js';
import { VersionedWrites } from '../../src/common/persistence/versioned-writes.js';
import { type PendingRow, pendingRow } from '../../src/common/persistence/insert-together.js';
import { ManualClock } from '../../src/common/clock/clock.js';
import { SnakeNamingStrategy } from '../../src/database/snake-naming.strategy.js';
import { createScratchDatabase, itConcurrently } from '../setup/test-database.js';

/**
 * The one write path of versioned records, on a database of its own with a table of its own (so no feature's rules
 * are involved): lock, 404, If-Match, version and author, the audit record in the same transaction, cache
 * invalidation once the transaction ends, unique violations as conflicts.
 */

@Entity({ name: 'versioned_notes' })
class Note extends StaffEditedEntity {
  @Column({ type: 'varchar', length: 40, unique: true })
  title!: string;
}

@Entity({ name: 'versioned_note_audit' })
class NoteAudit {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'varchar' })
  action!: string;

  @Column({ type: 'varchar' })
  entityType!: string;

  @Column({ type: 'uuid', nullable: true })
  entityId!: string | null;

  @Column({ type: 'jsonb' })
  metadata!: Record<string, unknown>;
}

class NotesRepository extends VersionedRepository<Note> {
  readonly noun = 'shared note';

  constructor(dataSource: DataSource) {
    super(dataSource, Note);
  }
}

/** Records into the test's own table, in the caller's transaction, as the real AuditLog does. */
class TableAuditLog extends AuditLog {
  async record(manager: EntityManager, ctx: AuditContext, record: AuditRecord): Promise<void> {
    await manager.save(manager.create(NoteAudit, this.row(ctx, record).values));
  }

  row(_ctx: AuditContext, record: AuditRecord): PendingRow<NoteAudit> {
    return pendingRow(NoteAudit, {
      action: record.action,
      entityType: record.entityType,
      entityId: record.entityId ?? null,
      metadata: record.metadata ?? {},
    });
  }
}

const EDITOR: AuditContext = { actor: { type: 'user', id: randomUUID() }, requestId: 'req-1', clientRequestId: null };
const TAG = 'notes';

describe('VersionedWrites', () => {
  let scratch: Awaited<ReturnType<typeof createScratchDatabase>>;
  let dataSource: DataSource;
  let cache: ResponseCache;
  let writes: VersionedWrites;
  let notes: NotesRepository;

  beforeAll(async () => {
    scratch = await createScratchDatabase();
    dataSource = new DataSource({
      type: 'postgres',
      url: scratch.url,
      entities: [Note, NoteAudit],
      namingStrategy: new SnakeNamingStrategy(),
      uuidExtension: 'pgcrypto',
      installExtensions: false,
      synchronize: true,
      poolSize: scratch.embedded ? 1 : 4,
      extra: { max: scratch.embedded ? 1 : 4 },
    });
    await dataSource.initialize();
    cache = new ResponseCache(60_000, 1024 * 1024, new ManualClock(new Date('2026-11-16T17:00:00Z')));
    writes = new VersionedWrites(dataSource, cache, new TableAuditLog());
    notes = new NotesRepository(dataSource);
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await scratch?.drop();
  });

  const createNote = (title = `note-${randomUUID().slice(0, 8)}`) =>
    notes.save(Object.assign(new Note(), { title, version: 1, createdBy: null, updatedBy: null }));
  const auditOf = (id: string) => dataSource.getRepository(NoteAudit).findBy({ entityId: id });
  /** Stores a response of the tag; returns how to read it back. */
  const cached = (tag = TAG) => {
    cache.set(tag, '/notes', cache.generation(tag), { payload: Buffer.from('[]') } as never);
    return () => cache.get(tag, '/notes');
  };

  it('saves a change as the next version, stamped with its author, with its audit record', async () => {
    const note = await createNote();
    const result = await writes.transaction({}, (manager) =>
      writes.change(manager, notes, note.id, '"v1"', EDITOR, (n) => {
        n.title = `${n.title}-2`;
        return { action: 'shared_note.updated', metadata: { fields: ['title'] } };
      }),
    );
    expect(result.changed).toBe(true);
    const stored = await notes.findById(note.id);
    expect(stored).toMatchObject({ version: 2, updatedBy: EDITOR.actor.id, title: `${note.title}-2` });
    expect(await auditOf(note.id)).toEqual([
      expect.objectContaining({
        action: 'shared_note.updated',
        entityType: 'shared_note',
        metadata: { fields: ['title'] },
      }),
    ]);
  });

  it('writes nothing when the mutation changed nothing', async () => {
    const note = await createNote();
    const result = await writes.transaction({}, (m) =>
      writes.change(m, notes, note.id, undefined, EDITOR, () => undefined),
    );
    expect(result).toMatchObject({ changed: false, entity: { version: 1 } });
    expect((await notes.findById(note.id))?.version).toBe(1);
    expect(await auditOf(note.id)).toEqual([]);
  });

  it('answers 404 for an unknown id and 412 (with the current ETag) for a stale If-Match; * and a list match', async () => {
    const note = await createNote();
    const attempt = (id: string, ifMatch: string | undefined) =>
      writes.transaction({}, (m) =>
        writes.change(m, notes, id, ifMatch, EDITOR, () => ({ action: 'shared_note.touched' })),
      );
    await expect(attempt(randomUUID(), undefined)).rejects.toMatchObject({
      code: 'not_found',
      message: 'No shared note has this id.',
    });
    const stale = await attempt(note.id, '"v7"').catch((e: unknown) => e);
    expect(stale).toBeInstanceOf(AppException);
    expect(stale).toMatchObject({ code: 'precondition_failed', options: { headers: { ETag: '"v1"' } } });
    expect((stale as AppException).message).toContain('The shared note has changed since you read it');
    await attempt(note.id, '*');
    await attempt(note.id, 'W/"v2", "v2"');
    expect((await notes.findById(note.id))?.version).toBe(3);
  });

  it('rolls the version and its audit record back together when a later step fails', async () => {
    const note = await createNote();
    await expect(
      writes.transaction({}, async (m) => {
        await writes.change(m, notes, note.id, undefined, EDITOR, () => ({ action: 'shared_note.updated' }));
        throw new Error('a later step failed');
      }),
    ).rejects.toThrow('a later step failed');
    expect((await notes.findById(note.id))?.version).toBe(1);
    expect(await auditOf(note.id)).toEqual([]);
  });

  itConcurrently('lets one of two writers holding the same version win; the other gets 412', async () => {
    const note = await createNote();
    const write = (title: string) =>
      writes.transaction({}, (m) =>
        writes.change(m, notes, note.id, '"v1"', EDITOR, (n) => {
          n.title = title;
          return { action: 'shared_note.updated' };
        }),
      );
    const outcomes = await Promise.allSettled([write(`${note.title}-a`), write(`${note.title}-b`)]);
    expect(outcomes.map((o) => o.status).sort()).toEqual(['fulfilled', 'rejected']);
    const lost = outcomes.find((o) => o.status === 'rejected') as PromiseRejectedResult;
    expect(lost.reason).toMatchObject({ code: 'precondition_failed' });
    expect((await notes.findById(note.id))?.version).toBe(2);
    expect(await auditOf(note.id)).toHaveLength(1);
  });

  it('forgets the cached responses of its tags when the transaction ends, committed or not', async () => {
    const note = await createNote();
    let read = cached();
    await writes.transaction({ invalidates: [TAG] }, (m) =>
      writes.change(m, notes, note.id, undefined, EDITOR, () => ({ action: 'shared_note.updated' })),
    );
    expect(read()).toBeUndefined();
    read = cached();
    await expect(writes.transaction({ invalidates: [TAG] }, () => Promise.reject(new Error('failed')))).rejects.toThrow(
      'failed',
    );
    expect(read()).toBeUndefined();
    read = cached();
    await writes.transaction({ invalidates: ['other'] }, () => Promise.resolve());
    expect(read()).toBeDefined();
    expect(cached('other')()).toBeDefined();
  });

  it("turns a violation of the scope's unique index into its conflict, and leaves other failures alone", async () => {
    const first = await createNote();
    const taken = () => new AppException('conflict', 'Another note has this title.');
    const copy = () =>
      writes.transaction({ conflicts: [{ key: /title/, error: taken }] }, (m) =>
        m.insert(Note, { title: first.title, version: 1 }),
      );
    await expect(copy()).rejects.toMatchObject({ code: 'conflict', message: 'Another note has this title.' });
    const unmapped = writes.transaction({ conflicts: [{ key: /slug/, error: taken }] }, (m) =>
      m.insert(Note, { title: first.title, version: 1 }),
    );
    await expect(unmapped).rejects.not.toBeInstanceOf(AppException);
  });
});
