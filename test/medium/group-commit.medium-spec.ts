import { jest } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { Column, DataSource, Entity, type EntityManager, PrimaryColumn } from 'typeorm';
import { AggregateRepository } from '../../src/common/persistence/aggregate.repository.js';
import {
  enableGroupCommit,
  GroupCommit,
  groupCommitInFlight,
  type GroupCommitOptions,
} from '../../src/common/persistence/group-commit.js';
import { pendingRow, type PendingRow } from '../../src/common/persistence/insert-together.js';
import { SnakeNamingStrategy } from '../../src/database/snake-naming.strategy.js';
import { createScratchDatabase } from '../setup/test-database.js';

/**
 * Group commit on a database and tables of their own: concurrent insertTogether calls share statements, and each
 * still gets its own answer, its own failure, its own guarding row.
 */

@Entity({ name: 'grouped_keys' })
class Key {
  @PrimaryColumn({ type: 'varchar', length: 40 })
  key!: string;

  @Column({ type: 'jsonb' })
  answer!: unknown;
}

@Entity({ name: 'grouped_items' })
class Item {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ type: 'varchar', length: 12, unique: true })
  code!: string;

  @Column({ type: 'integer', nullable: true })
  size!: number | null;
}

class Items extends AggregateRepository<Item> {
  constructor(dataSource: DataSource) {
    super(dataSource, Item);
  }
}

const item = (values: Partial<Item> = {}) =>
  pendingRow(Item, { id: randomUUID(), code: randomUUID().slice(0, 12), ...values });
const guarded = (key: string, n: number): PendingRow[] => [pendingRow(Key, { key, answer: { n } }), item()];

describe('GroupCommit', () => {
  let scratch: Awaited<ReturnType<typeof createScratchDatabase>>;
  let dataSource: DataSource;

  beforeAll(async () => {
    scratch = await createScratchDatabase();
    dataSource = await new DataSource({
      type: 'postgres',
      url: scratch.url,
      entities: [Key, Item],
      namingStrategy: new SnakeNamingStrategy(),
      uuidExtension: 'pgcrypto',
      installExtensions: false,
      synchronize: true,
      poolSize: 1,
      extra: { max: 1 },
    }).initialize();
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await scratch?.drop();
  });

  afterEach(() => jest.restoreAllMocks());

  /**
   * The statements sent while `work` runs, and the most running at once: each statement's unit count is the number
   * of `rN` CTE groups it names (`u3_r0`), one for a lone call.
   */
  async function watched<T>(work: () => Promise<T>, failing?: { statement: number; error: Error }) {
    const manager = dataSource.manager;
    const original = manager.query.bind(manager);
    const units: number[] = [];
    let running = 0;
    let most = 0;
    const spy = jest.spyOn(manager, 'query').mockImplementation(async (...args: Parameters<EntityManager['query']>) => {
      const [sql] = args;
      units.push(new Set(sql.match(/\bu\d+_r0\b/g) ?? ['r0']).size);
      if (units.length === failing?.statement) throw failing.error;
      running += 1;
      most = Math.max(most, running);
      try {
        return (await original(...args)) as unknown;
      } finally {
        running -= 1;
      }
    });
    try {
      return { result: await work(), units, most };
    } finally {
      spy.mockRestore();
    }
  }

  const group = (options: Partial<GroupCommitOptions> = {}) =>
    new GroupCommit(dataSource.manager, { maxUnits: 8, maxInFlight: 1, ...options });
  const stored = (rows: readonly PendingRow[]) =>
    dataSource.getRepository(Item).countBy({ id: (rows.at(-1)!.values as Item).id });

  it('sends a lone call at once, and the calls arriving meanwhile together, in powers of two up to the most', async () => {
    const commit = group({ maxUnits: 4 });
    const calls = Array.from({ length: 8 }, () => [item({ size: 1 })]);
    const { result, units, most } = await watched(() => Promise.all(calls.map((rows) => commit.insert(rows))));
    expect(result).toEqual(calls.map(() => true));
    // The first goes alone; the seven waiting go as four, then two, then one.
    expect(units).toEqual([1, 4, 2, 1]);
    expect(most).toBe(1);
    for (const rows of calls) expect(await stored(rows)).toBe(1);
  });

  it('keeps at most maxInFlight statements running', async () => {
    const commit = group({ maxUnits: 2, maxInFlight: 2 });
    const calls = Array.from({ length: 9 }, () => [item()]);
    const { result, units, most } = await watched(() => Promise.all(calls.map((rows) => commit.insert(rows))));
    expect(result.every(Boolean)).toBe(true);
    expect(most).toBe(2);
    expect(units.reduce((a, b) => a + b)).toBe(9);
    expect(units.length).toBeLessThan(9);
  });

  it('sends calls of different shapes in statements of their own, taking turns', async () => {
    const commit = group();
    const plain = Array.from({ length: 3 }, () => [item()]);
    const sized = Array.from({ length: 3 }, () => [item({ size: 2 })]);
    const { units } = await watched(() => Promise.all([...plain, ...sized].map((rows) => commit.insert(rows))));
    // plain[0] alone; then the two other plain ones together, then the three sized ones (as two and one).
    expect(units).toEqual([1, 2, 2, 1]);
    for (const rows of [...plain, ...sized]) expect(await stored(rows)).toBe(1);
  });

  it('answers each call whether its guarding first row was new, also for two with one key in one statement', async () => {
    const commit = group();
    const key = randomUUID();
    const taken = randomUUID();
    await commit.insert(guarded(taken, 0), { unlessFirstExists: true });
    const calls = [
      guarded(randomUUID(), 1),
      guarded(key, 2),
      guarded(taken, 3),
      guarded(key, 4),
      guarded(randomUUID(), 5),
    ];
    const { result, units } = await watched(() =>
      Promise.all([commit.insert([item()]), ...calls.map((rows) => commit.insert(rows, { unlessFirstExists: true }))]),
    );
    expect(units).toEqual([1, 4, 1]);
    const [, first, twin, old, otherTwin, last] = result;
    expect([first, old, last]).toEqual([true, false, true]);
    // One of the two with the same key was stored, with its rows; the other stored nothing.
    expect([twin, otherTwin].sort()).toEqual([false, true]);
    const keyRow = await dataSource.getRepository(Key).findOneBy({ key });
    const winner = twin ? 2 : 4;
    expect(keyRow?.answer).toEqual({ n: winner });
    expect(await stored(calls[1])).toBe(twin ? 1 : 0);
    expect(await stored(calls[3])).toBe(otherTwin ? 1 : 0);
    expect(await stored(calls[2])).toBe(0);
  });

  it('fails only the call whose rows the database refuses; the others of its statement are stored', async () => {
    const commit = group();
    const code = randomUUID().slice(0, 12);
    await commit.insert([item({ code })]);
    const calls = [[item()], [item()], [item({ code })], [item()], [item()]];
    const { result } = await watched(() =>
      Promise.allSettled([commit.insert([item()]), ...calls.map((rows) => commit.insert(rows))]),
    );
    expect(result.map((r) => r.status)).toEqual([
      'fulfilled',
      'fulfilled',
      'fulfilled',
      'rejected',
      'fulfilled',
      'fulfilled',
    ]);
    expect((result[3] as PromiseRejectedResult).reason).toMatchObject({ code: '23505' });
    for (const [i, rows] of calls.entries()) expect(await stored(rows)).toBe(i === 2 ? 0 : 1);
  });

  it('fails every call of a statement that failed for all of them (a lost connection)', async () => {
    const commit = group();
    const calls = Array.from({ length: 5 }, () => [item()]);
    const { result } = await watched(() => Promise.allSettled(calls.map((rows) => commit.insert(rows))), {
      statement: 2,
      error: new Error('Connection terminated unexpectedly'),
    });
    expect(result.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'rejected', 'rejected', 'rejected']);
    expect(await stored(calls[0])).toBe(1);
    for (const rows of calls.slice(1)) expect(await stored(rows)).toBe(0);
  });

  it.each([
    ['a statement cancelled while it waited (57014)', '57014', 'fulfilled'],
    ['a deadlock (40P01)', '40P01', 'fulfilled'],
    ['an unknown outcome (40003)', '40003', 'rejected'],
    ['the database shutting down (57P01)', '57P01', 'rejected'],
  ])('after %s, tries each call alone only when the server rolled the statement back for it', async (_, code, then) => {
    const commit = group();
    const calls = Array.from({ length: 2 }, () => [item()]);
    const error = Object.assign(new Error(`server said ${code}`), { code });
    const { result, units } = await watched(
      () => Promise.allSettled([commit.insert([item()]), ...calls.map((rows) => commit.insert(rows))]),
      { statement: 2, error },
    );
    expect(result.slice(1).map((r) => r.status)).toEqual([then, then]);
    expect(units.slice(0, 2)).toEqual([1, 2]);
    for (const rows of calls) expect(await stored(rows)).toBe(then === 'fulfilled' ? 1 : 0);
  });

  // Last: group commit stays enabled on this data source.
  it('groups repository calls outside a transaction once enabled, never inside one', async () => {
    const items = new Items(dataSource);
    const outside = Array.from({ length: 3 }, () => [item()]);
    const before = await watched(() => Promise.all(outside.map((rows) => items.insertTogether(rows))));
    expect(before.units).toEqual([1, 1, 1]);
    enableGroupCommit(dataSource, { maxUnits: 8, maxInFlight: 1 });
    const { result, units } = await watched(() => Promise.all(outside.map(() => items.insertTogether([item()]))));
    expect(result).toEqual([true, true, true]);
    expect(units).toEqual([1, 2]);
    const inside = [item()];
    const { units: inTransaction } = await watched(() =>
      dataSource.transaction((manager) => items.insertTogether(inside, {}, manager)),
    );
    expect(inTransaction).toEqual([]); // the transaction's own manager, not the data source's
    expect(await stored(inside)).toBe(1);
  });

  it('runs a quarter of the pool at once, at least one', () => {
    expect([1, 2, 4, 5, 10, 100].map(groupCommitInFlight)).toEqual([1, 1, 1, 2, 3, 25]);
  });
});
