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

describe('insertTogether', () => {
  let scratch: Awaited<ReturnType<typeof createScratchDatabase>>;
  let dataSource: DataSource;

  beforeAll(async () => {
    scratch = await createScratchDatabase();
    dataSource = new DataSource({
      type: 'postgres',
      url: scratch.url,
      entities: [Claim, Parent, Child],
      namingStrategy: new SnakeNamingStrategy(),
      uuidExtension: 'pgcrypto',
      installExtensions: false,
      synchronize: true,
      poolSize: 1,
      extra: { max: 1 },
    });
    await dataSource.initialize();
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await scratch?.drop();
  });

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
