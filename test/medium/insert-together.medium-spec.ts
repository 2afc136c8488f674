import { randomUUID } from 'node:crypto';
import {
  Column,
  CreateDateColumn,
  DataSource,
  Entity,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
  PrimaryGeneratedColumn,
} from 'typeorm';
import { insertTogether, pendingRow } from '../../src/common/persistence/insert-together.js';
import { preparedNameOf } from '../../src/common/persistence/prepared-statements.js';
import { DeadlineClient } from '../../src/database/query-deadline.js';
import { SnakeNamingStrategy } from '../../src/database/snake-naming.strategy.js';
import { createScratchDatabase } from '../setup/test-database.js';

/**
 * insertTogether on a database of its own with tables of its own: every row or none, in one statement; a guarding
 * first row; foreign keys between rows of the same statement; values converted as TypeORM converts them.
 */

@Entity({ name: 'together_claims' })
class Claim {
  @PrimaryColumn({ type: 'varchar', length: 40 })
  key!: string;

  @Column({ type: 'jsonb' })
  answer!: unknown;
}

const KINDS = ['a', 'b'] as const;

@Entity({ name: 'together_parents' })
class Parent {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ type: 'varchar', length: 12, unique: true })
  code!: string;

  @Column({ type: 'enum', enum: KINDS, enumName: 'together_kind' })
  kind!: (typeof KINDS)[number];

  @Column({ type: 'timestamptz' })
  at!: Date;

  @Column({ type: 'integer', default: 7 })
  defaulted!: number;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;
}

@Entity({ name: 'together_children' })
class Child {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'uuid' })
  parentId!: string;

  @ManyToOne(() => Parent, { onDelete: 'CASCADE' })
  @JoinColumn()
  parent?: Parent;

  @Column({ type: 'jsonb' })
  metadata!: Record<string, unknown>;
}

/** The test tables on a database of their own, through one pooled connection with these pool options. */
async function openTables(url: string, extra: Record<string, unknown> = {}): Promise<DataSource> {
  const dataSource = new DataSource({
    type: 'postgres',
    url,
    entities: [Claim, Parent, Child],
    namingStrategy: new SnakeNamingStrategy(),
    uuidExtension: 'pgcrypto',
    installExtensions: false,
    synchronize: true,
    poolSize: 1,
    extra: { max: 1, ...extra },
  });
  return dataSource.initialize();
}

const at = new Date('2026-03-08T07:30:00.123Z');
const family = (code = randomUUID().slice(0, 12)) => {
  const id = randomUUID();
  return {
    id,
    rows: [
      pendingRow(Parent, { id, code, kind: 'b', at }),
      pendingRow(Child, { parentId: id, metadata: { nested: { list: [1, 'two'] }, quote: 'it\'s "fine"' } }),
    ],
  };
};

describe('insertTogether', () => {
  let scratch: Awaited<ReturnType<typeof createScratchDatabase>>;
  let dataSource: DataSource;

  beforeAll(async () => {
    scratch = await createScratchDatabase();
    dataSource = await openTables(scratch.url);
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await scratch?.drop();
  });

  const parent = (id: string) => dataSource.getRepository(Parent).findOneBy({ id });
  const children = (parentId: string) => dataSource.getRepository(Child).findBy({ parentId });
  /** Statements the connection sent while `work` ran (TypeORM's logger sees each one). */
  async function statementsDuring(work: () => Promise<unknown>): Promise<string[]> {
    const seen: string[] = [];
    const logger = dataSource.logger;
    const original = logger.logQuery.bind(logger);
    logger.logQuery = (query, parameters, runner) => {
      seen.push(query);
      original(query, parameters, runner);
    };
    try {
      await work();
    } finally {
      logger.logQuery = original;
    }
    return seen;
  }

  it('stores every row, a parent and its child, in one statement, converting values and leaving defaults', async () => {
    const { id, rows } = family();
    let inserted: boolean | undefined;
    const statements = await statementsDuring(async () => {
      inserted = await insertTogether(dataSource.manager, rows);
    });
    expect(inserted).toBe(true);
    expect(statements.filter((sql) => /INSERT/i.test(sql))).toHaveLength(1);
    expect(statements.some((sql) => /^(START TRANSACTION|BEGIN|COMMIT)/i.test(sql))).toBe(false);
    const stored = await parent(id);
    expect(stored).toMatchObject({ kind: 'b', at, defaulted: 7 });
    expect(stored?.createdAt).toBeInstanceOf(Date);
    expect((await children(id)).map((c) => c.metadata)).toEqual([
      { nested: { list: [1, 'two'] }, quote: 'it\'s "fine"' },
    ]);
  });

  it('stores none of the rows when one of them violates a constraint', async () => {
    const code = randomUUID().slice(0, 12);
    await insertTogether(dataSource.manager, family(code).rows);
    const clash = family(code);
    await expect(insertTogether(dataSource.manager, clash.rows)).rejects.toMatchObject({ code: '23505' });
    expect(await parent(clash.id)).toBeNull();
    expect(await children(clash.id)).toEqual([]);
  });

  it('with a guarding first row, stores the others only when that row is new', async () => {
    const key = randomUUID();
    const first = family();
    const claim = (answer: unknown) => pendingRow(Claim, { key, answer });
    expect(
      await insertTogether(dataSource.manager, [claim({ n: 1 }), ...first.rows], { unlessFirstExists: true }),
    ).toBe(true);
    const second = family();
    expect(
      await insertTogether(dataSource.manager, [claim({ n: 2 }), ...second.rows], { unlessFirstExists: true }),
    ).toBe(false);
    expect(await dataSource.getRepository(Claim).findOneBy({ key })).toEqual({ key, answer: { n: 1 } });
    expect(await parent(first.id)).not.toBeNull();
    expect(await parent(second.id)).toBeNull();
    expect(await children(second.id)).toEqual([]);
  });

  it('with a condition, stores the rows only when it holds, checked in the same statement', async () => {
    const known = family();
    await insertTogether(dataSource.manager, known.rows);
    /** Holds when a parent with this code exists: what the rows name, looked up by the statement itself. */
    const parentCoded =
      (code: string) =>
      (param: (value: unknown) => string): string =>
        `EXISTS (SELECT 1 FROM together_parents WHERE code = ${param(code)})`;
    const knownCode = (await parent(known.id))!.code;

    const held = family();
    let inserted: boolean | undefined;
    const statements = await statementsDuring(async () => {
      inserted = await insertTogether(dataSource.manager, held.rows, { onlyIf: parentCoded(knownCode) });
    });
    expect(inserted).toBe(true);
    expect(statements).toHaveLength(1);
    expect(statements[0]).toContain('WHERE EXISTS (SELECT 1 FROM together_parents WHERE code = $');
    expect(await parent(held.id)).not.toBeNull();
    expect(await children(held.id)).toHaveLength(1);

    const refused = family();
    expect(await insertTogether(dataSource.manager, refused.rows, { onlyIf: parentCoded('no-such-code') })).toBe(false);
    expect(await parent(refused.id)).toBeNull();
    expect(await children(refused.id)).toEqual([]);

    // With a guarding first row: neither the claim nor the rows when the condition fails.
    const key = randomUUID();
    const guarded = family();
    const claim = pendingRow(Claim, { key, answer: { n: 1 } });
    expect(
      await insertTogether(dataSource.manager, [claim, ...guarded.rows], {
        unlessFirstExists: true,
        onlyIf: parentCoded('no-such-code'),
      }),
    ).toBe(false);
    expect(await dataSource.getRepository(Claim).findOneBy({ key })).toBeNull();
    expect(await parent(guarded.id)).toBeNull();
    expect(
      await insertTogether(dataSource.manager, [claim, ...guarded.rows], {
        unlessFirstExists: true,
        onlyIf: parentCoded(knownCode),
      }),
    ).toBe(true);
    expect(await parent(guarded.id)).not.toBeNull();
  });

  it('joins the transaction of the manager it is given', async () => {
    const { id, rows } = family();
    await expect(
      dataSource.transaction(async (manager) => {
        await insertTogether(manager, rows);
        expect(await manager.findOneBy(Parent, { id })).not.toBeNull();
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    expect(await parent(id)).toBeNull();
  });
});

/**
 * DB_PREPARED_STATEMENTS: through the app's pool client, insertTogether's statement is prepared once per connection
 * under a name and only bound and executed afterwards; without the option, nothing is prepared.
 */
describe('insertTogether as a prepared statement', () => {
  let scratch: Awaited<ReturnType<typeof createScratchDatabase>>;

  beforeAll(async () => {
    scratch = await createScratchDatabase();
  });

  afterAll(async () => {
    await scratch?.drop();
  });

  afterEach(async () => {
    // The embedded database takes one connection at a time: the next test's waits until this one's is gone.
    await scratch.idle();
  });

  /** What the connection has prepared (the pool holds one connection, so this query runs on it). */
  const prepared = async (dataSource: DataSource) =>
    dataSource.query<{ name: string; statement: string; prepare_time: Date }[]>(
      'SELECT name, statement, prepare_time FROM pg_prepared_statements ORDER BY prepare_time',
    );

  // First: the embedded database is one session, where what a test prepared stays prepared for the next.
  it('prepares nothing without the option', async () => {
    const dataSource = await openTables(scratch.url, { Client: DeadlineClient });
    try {
      expect(await insertTogether(dataSource.manager, family().rows)).toBe(true);
      expect(await prepared(dataSource)).toEqual([]);
    } finally {
      await dataSource.destroy();
    }
  });
  it('after the server lost the statement, fails that call, drops the connection, and prepares it again', async () => {
    const dataSource = await openTables(scratch.url, { Client: DeadlineClient, preparedStatements: true });
    try {
      expect(await insertTogether(dataSource.manager, family().rows)).toBe(true);
      const [before] = await prepared(dataSource);
      // What a pooler moving the session, or a DEALLOCATE, leaves: pg still believes the statement is there.
      await dataSource.query('DEALLOCATE ALL');
      const lost = family();
      await expect(insertTogether(dataSource.manager, lost.rows)).rejects.toMatchObject({ code: '26000' });
      await scratch.idle(); // the embedded database: the closed connection is gone before the next one opens
      expect(await dataSource.getRepository(Parent).countBy({ id: lost.id })).toBe(0);
      const again = family();
      expect(await insertTogether(dataSource.manager, again.rows)).toBe(true);
      const [after, ...others] = await prepared(dataSource);
      expect(others).toEqual([]);
      expect(after.statement).toBe(before.statement);
      expect(after.name).not.toBe(before.name); // another connection, another namespace
    } finally {
      await dataSource.query('DEALLOCATE ALL'); // the embedded database's one session outlives this connection
      await dataSource.destroy();
    }
  });

  it('parses each shape once on a connection, then reuses it', async () => {
    const dataSource = await openTables(scratch.url, { Client: DeadlineClient, preparedStatements: true });
    try {
      const first = family();
      expect(await insertTogether(dataSource.manager, first.rows)).toBe(true);
      const [statement, ...others] = await prepared(dataSource);
      expect(others).toEqual([]);
      expect(statement.name).toMatch(/^wc_[0-9a-f]{8}_[0-9a-f]{32}$/);
      expect(statement.statement).toMatch(/^WITH r0 AS \(INSERT INTO "together_parents"/);
      expect(statement.name.endsWith(`_${preparedNameOf(statement.statement)}`)).toBe(true);

      // The same shape again, with other values, and a clash that rolls its statement back: still the one statement,
      // prepared when it was first used, and every row or none stored as before.
      const second = family();
      expect(await insertTogether(dataSource.manager, second.rows)).toBe(true);
      const clash = family((first.rows[0].values as Partial<Parent>).code);
      await expect(insertTogether(dataSource.manager, clash.rows)).rejects.toMatchObject({ code: '23505' });
      expect(await prepared(dataSource)).toEqual([statement]);
      const parents = dataSource.getRepository(Parent);
      expect(await parents.countBy({ id: first.id })).toBe(1);
      expect(await parents.countBy({ id: second.id })).toBe(1);
      expect(await parents.countBy({ id: clash.id })).toBe(0);
      expect(await dataSource.getRepository(Child).findBy({ parentId: second.id })).toEqual([
        expect.objectContaining({ metadata: { nested: { list: [1, 'two'] }, quote: 'it\'s "fine"' } }),
      ]);

      // Another shape (a guarding claim first) is another statement; inside a transaction too.
      const key = randomUUID();
      await dataSource.transaction((manager) =>
        insertTogether(manager, [pendingRow(Claim, { key, answer: { n: 1 } }), ...family().rows], {
          unlessFirstExists: true,
        }),
      );
      expect((await prepared(dataSource)).map((s) => s.name)).toEqual([statement.name, expect.stringMatching(/^wc_/)]);
    } finally {
      await dataSource.destroy();
    }
  });
});
