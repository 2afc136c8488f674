import { validate } from 'class-validator';
import { parseSort, IsSort } from './sort.js';

const ALLOWED = ['publishedAt', 'title', 'field2'] as const;

describe('parseSort', () => {
  it('parses one ascending field', () => {
    expect(parseSort('title', ALLOWED)).toEqual([{ field: 'title', direction: 'ASC' }]);
  });

  it('parses one descending field', () => {
    expect(parseSort('-publishedAt', ALLOWED)).toEqual([{ field: 'publishedAt', direction: 'DESC' }]);
  });

  it('parses several fields in order', () => {
    expect(parseSort('-publishedAt,title,-field2', ALLOWED)).toEqual([
      { field: 'publishedAt', direction: 'DESC' },
      { field: 'title', direction: 'ASC' },
      { field: 'field2', direction: 'DESC' },
    ]);
  });

  it('tolerates spaces around the terms', () => {
    expect(parseSort(' -publishedAt , title ', ALLOWED)).toEqual([
      { field: 'publishedAt', direction: 'DESC' },
      { field: 'title', direction: 'ASC' },
    ]);
  });

  it.each([
    ['an unknown field', 'author'],
    ['an unknown field after a good one', 'title,author'],
    ['a field in the wrong case', 'Title'],
    ['a repeated field', 'title,title'],
    ['a field repeated with the other direction', 'title,-title'],
    ['a double minus', '--title'],
    ['a plus sign', '+title'],
    ['an empty term', 'title,,publishedAt'],
    ['a trailing comma', 'title,'],
    ['a leading comma', ',title'],
    ['an empty string', ''],
    ['only spaces', '   '],
    ['a space after the minus', '- title'],
    ['a space inside the field', 'pub lishedAt'],
    ['a dotted path', 'author.name'],
    ['SQL', 'title;DROP TABLE article'],
    ['a field starting with a digit', '2title'],
  ])('rejects %s (%j)', (_label, value) => {
    expect(parseSort(value, ALLOWED)).toBeUndefined();
  });

  it('rejects everything when nothing is allowed', () => {
    expect(parseSort('title', [])).toBeUndefined();
  });
});

const LONG_199 = 'a'.repeat(199);
const LONG_200 = 'b'.repeat(200);

class ArticleQuery {
  @IsSort(['publishedAt', 'title'], '-publishedAt')
  sort?: unknown;
}

class LongFieldQuery {
  @IsSort([LONG_199, LONG_200])
  sort?: unknown;
}

async function errorsOf(dto: object): Promise<{ property: string; constraints?: Record<string, string> }[]> {
  const errors = await validate(dto, { forbidUnknownValues: true });
  return errors.map(({ property, constraints }) => ({ property, constraints }));
}

function articleQuery(sort: unknown): ArticleQuery {
  const query = new ArticleQuery();
  query.sort = sort;
  return query;
}

describe('IsSort', () => {
  const invalid = [
    {
      property: 'sort',
      constraints: {
        isSort: 'sort must be a comma-separated list of publishedAt, title, each optionally prefixed with -',
      },
    },
  ];

  it.each([undefined, 'title', '-publishedAt', '-publishedAt,title'])('accepts %j', async (sort) => {
    expect(await errorsOf(articleQuery(sort))).toEqual([]);
  });

  it.each(['author', 'title,title', '--title', 'title,,publishedAt', '', null, 5, ['title'], { field: 'title' }])(
    'rejects %j',
    async (sort) => {
      expect(await errorsOf(articleQuery(sort))).toEqual(invalid);
    },
  );

  it('accepts up to 200 characters and refuses longer values', async () => {
    const ok = new LongFieldQuery();
    ok.sort = `-${LONG_199}`;
    const alsoOk = new LongFieldQuery();
    alsoOk.sort = LONG_200;
    const tooLong = new LongFieldQuery();
    tooLong.sort = `-${LONG_200}`;

    expect(await errorsOf(ok)).toEqual([]);
    expect(await errorsOf(alsoOk)).toEqual([]);
    expect((await errorsOf(tooLong)).map((e) => Object.keys(e.constraints ?? {}))).toEqual([['isSort']]);
  });
});
