import { cappedCountSql, TOTAL_CAP } from './capped-total.js';
import { toCappedPage } from './pagination.js';

describe('cappedCountSql', () => {
  it('reads at most one match past the cap, and says whether it found it', () => {
    expect(cappedCountSql('SELECT FROM t WHERE t.a = $1')).toBe(
      `SELECT least(count(*), ${TOTAL_CAP})::int AS total, count(*) > ${TOTAL_CAP} AS capped` +
        ` FROM (SELECT FROM t WHERE t.a = $1 LIMIT ${TOTAL_CAP + 1}) m`,
    );
  });
});

describe('toCappedPage', () => {
  it('is the plain envelope when the count is exact', () => {
    expect(toCappedPage(['a'], { total: 41, capped: false }, { page: 3, pageSize: 20 })).toEqual({
      data: ['a'],
      meta: { page: 3, pageSize: 20, total: 41, totalPages: 3 },
    });
  });

  it('says the total is a lower bound when counting stopped at the cap', () => {
    expect(toCappedPage([], { total: TOTAL_CAP, capped: true }, { page: 501, pageSize: 20 })).toEqual({
      data: [],
      meta: { page: 501, pageSize: 20, total: TOTAL_CAP, totalPages: TOTAL_CAP / 20, totalIsLowerBound: true },
    });
  });
});
