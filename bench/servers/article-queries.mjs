// The one place the bench reaches into the API's article SQL (dist/src/articles/articles.queries.js), so that the
// bare baseline runs exactly the statements the API runs. When that module changes shape (how `meta.total` is
// counted, how a page is found), adapt these two functions and nothing else.
import { countQuery, detailQuery, listQuery } from '../../dist/src/articles/articles.queries.js';

const SORT = [{ field: 'publishedAt', direction: 'DESC' }];

/** One page of the default public list (newest first) and how many live articles there are, like the API. */
export async function publicListPage(pool, { page, pageSize, now }) {
  const spec = { scope: { live: true, now }, sort: SORT, limit: pageSize, offset: (page - 1) * pageSize };
  const list = listQuery(spec);
  const count = countQuery(spec);
  // In parallel, as the API runs them.
  const [{ rows }, { rows: counted }] = await Promise.all([
    pool.query(list.text, list.values),
    pool.query(count.text, count.values),
  ]);
  return { rows, total: counted[0].total };
}

/** The live article with this slug, or undefined. */
export async function publicDetail(pool, slug, now) {
  const query = detailQuery(slug, now);
  const { rows } = await pool.query(query.text, query.values);
  return rows[0];
}
