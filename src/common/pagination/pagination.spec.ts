import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, PaginationQueryDto, pageWindow, toPage } from './pagination.js';

describe('toPage', () => {
  it('wraps the data with its page metadata', () => {
    expect(toPage(['a', 'b'], 57, { page: 1, pageSize: 20 })).toEqual({
      data: ['a', 'b'],
      meta: { page: 1, pageSize: 20, total: 57, totalPages: 3 },
    });
  });

  it.each([
    [0, 20, 0],
    [1, 20, 1],
    [19, 20, 1],
    [20, 20, 1],
    [21, 20, 2],
    [40, 20, 2],
    [41, 20, 3],
    [100, 100, 1],
    [101, 100, 2],
    [7, 1, 7],
  ])('counts %i items in pages of %i as %i pages', (total, pageSize, totalPages) => {
    expect(toPage([], total, { page: 1, pageSize }).meta).toEqual({ page: 1, pageSize, total, totalPages });
  });

  it('reports an empty page past the end as it is', () => {
    expect(toPage([], 5, { page: 4, pageSize: 2 })).toEqual({
      data: [],
      meta: { page: 4, pageSize: 2, total: 5, totalPages: 3 },
    });
  });
});

describe('pageWindow', () => {
  it.each([
    [1, 20, { skip: 0, take: 20 }],
    [2, 20, { skip: 20, take: 20 }],
    [3, 20, { skip: 40, take: 20 }],
    [1, 1, { skip: 0, take: 1 }],
    [10, 100, { skip: 900, take: 100 }],
  ])('page %i of size %i is %j', (page, pageSize, window) => {
    expect(pageWindow({ page, pageSize })).toEqual(window);
  });
});

async function check(plain: Record<string, unknown>): Promise<{
  value: PaginationQueryDto;
  errors: { property: string; constraints?: Record<string, string> }[];
}> {
  const value = plainToInstance(PaginationQueryDto, plain);
  const errors = await validate(value, { forbidUnknownValues: true });
  return { value, errors: errors.map(({ property, constraints }) => ({ property, constraints })) };
}

describe('PaginationQueryDto', () => {
  it('has the documented limits', () => {
    expect({ DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE }).toEqual({ DEFAULT_PAGE_SIZE: 20, MAX_PAGE_SIZE: 100 });
  });

  it('defaults to the first page of 20', async () => {
    const { value, errors } = await check({});

    expect(errors).toEqual([]);
    expect({ ...value }).toEqual({ page: 1, pageSize: 20 });
  });

  it('converts query-string integers', async () => {
    const { value, errors } = await check({ page: '2', pageSize: '100' });

    expect(errors).toEqual([]);
    expect({ ...value }).toEqual({ page: 2, pageSize: 100 });
  });

  it('accepts the bounds', async () => {
    const { value, errors } = await check({ page: '1000000', pageSize: '1' });

    expect(errors).toEqual([]);
    expect({ ...value }).toEqual({ page: 1_000_000, pageSize: 1 });
  });

  it('rejects a page below 1', async () => {
    expect((await check({ page: '0' })).errors).toEqual([
      { property: 'page', constraints: { min: 'page must not be less than 1' } },
    ]);
  });

  it('rejects a page size above the maximum', async () => {
    expect((await check({ pageSize: '101' })).errors).toEqual([
      { property: 'pageSize', constraints: { max: 'pageSize must not be greater than 100' } },
    ]);
  });

  it('rejects a page above 1,000,000', async () => {
    expect((await check({ page: '1000001' })).errors.map((e) => e.constraints)).toEqual([
      { max: 'page must not be greater than 1000000' },
    ]);
  });

  it.each(['1.5', 'abc', '', ' 2', '2 ', '1e3', '0x10', '+2', null, true, '9'.repeat(16)])(
    'rejects the page %j as not an integer',
    async (page) => {
      const { errors } = await check({ page });

      expect(errors.map((e) => e.property)).toEqual(['page']);
      expect(errors[0].constraints).toHaveProperty('isInt', 'page must be an integer number');
    },
  );

  it('rejects a negative page size', async () => {
    expect((await check({ pageSize: '-5' })).errors).toEqual([
      { property: 'pageSize', constraints: { min: 'pageSize must not be less than 1' } },
    ]);
  });

  it('reports both fields when both are bad', async () => {
    expect((await check({ page: 'x', pageSize: '0' })).errors.map((e) => e.property)).toEqual(['page', 'pageSize']);
  });
});
