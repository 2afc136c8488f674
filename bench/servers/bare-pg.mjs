// Baseline: bare Fastify + a `pg` Pool running exactly the SQL of the API's public reads (see
// article-queries.mjs) and answering the same JSON, compressed on the spot (brotli 4 or gzip 6, over 1 KiB) for
// clients that accept it. No validation, no security headers, no ETag, no logging, no rate limit: the floor the
// API's framework overhead is measured against.
import Fastify from 'fastify';
import pg from 'pg';
import { articleJsonLdScript } from '../../dist/src/articles/json-ld.js';
import { seoOf } from '../../dist/src/articles/article-content.js';
import { publicDetail, publicListPage } from './article-queries.mjs';
import { serveForBench } from './child.mjs';
import { compressNow, negotiate } from './encoding.mjs';

/** Below this, compressing costs more than it saves (the API's threshold). */
const THRESHOLD = 1024;
/** The API's list key of the default public list (sort, tag, q), which its cursors carry. */
const LIST_KEY = JSON.stringify([['-publishedAt'], undefined, undefined]);

function summary(row) {
  return {
    id: row.id,
    slug: row.slug,
    title: row.title,
    excerpt: row.excerpt,
    coverImage: row.cover_image_url ? { url: row.cover_image_url, alt: row.cover_image_alt ?? '' } : null,
    tags: row.tags,
    author: { name: row.author_name, credentials: row.author_credentials },
    publishedAt: row.published_at?.toISOString() ?? null,
    readingTimeMinutes: row.reading_time_minutes,
  };
}

function detail(row, siteUrl) {
  const view = {
    slug: row.slug,
    title: row.title,
    excerpt: row.excerpt,
    coverImageUrl: row.cover_image_url,
    coverImageAlt: row.cover_image_alt,
    tags: row.tags,
    authorName: row.author_name,
    authorCredentials: row.author_credentials,
    publishedAt: row.published_at,
    updatedAt: row.updated_at,
    wordCount: row.word_count,
    reviewedBy: row.reviewed_by,
    reviewedAt: row.reviewed_at,
    seoTitle: row.seo_title,
    seoDescription: row.seo_description,
  };
  return {
    ...summary(row),
    body: row.body,
    bodyHtml: row.body_html,
    toc: row.toc,
    wordCount: row.word_count,
    seo: seoOf(view),
    review: row.reviewed_by && row.reviewed_at ? { reviewedBy: row.reviewed_by, reviewedAt: row.reviewed_at } : null,
    updatedAt: row.updated_at.toISOString(),
    jsonLd: articleJsonLdScript(view, siteUrl),
  };
}

/** Serializes `value` and sends it compressed when the client accepts it. */
function send(request, reply, value) {
  const payload = Buffer.from(JSON.stringify(value), 'utf8');
  const coding = payload.length >= THRESHOLD ? negotiate(request.headers['accept-encoding']) : null;
  void reply.header('content-type', 'application/json; charset=utf-8').header('vary', 'accept-encoding');
  if (coding === null) return reply.send(payload);
  return reply.header('content-encoding', coding).send(compressNow(payload, coding));
}

const positive = (value, fallback) => {
  const n = Number(value);
  return Number.isSafeInteger(n) && n >= 1 ? n : fallback;
};

serveForBench(async ({ databaseUrl, poolMax, statementTimeoutMs, siteUrl }) => {
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    max: poolMax,
    idleTimeoutMillis: 30_000,
    statement_timeout: statementTimeoutMs,
    application_name: 'bench-bare-pg',
  });
  const app = Fastify();

  app.get('/api/v1/articles', async (request, reply) => {
    const page = positive(request.query.page, 1);
    const pageSize = Math.min(positive(request.query.pageSize, 20), 100);
    const { rows, total } = await publicListPage(pool, { page, pageSize, now: new Date() });
    const last = rows[rows.length - 1];
    const more = last !== undefined && page * pageSize < total && rows.length === pageSize;
    const nextCursor = more
      ? Buffer.from(JSON.stringify([LIST_KEY, page + 1, [last.published_at.toISOString(), last.id]])).toString(
          'base64url',
        )
      : null;
    return send(request, reply, {
      data: rows.map(summary),
      meta: { page, pageSize, total, totalPages: Math.ceil(total / pageSize), nextCursor },
    });
  });

  app.get('/api/v1/articles/:slug', async (request, reply) => {
    const row = await publicDetail(pool, request.params.slug, new Date());
    if (row === undefined) return reply.code(404).send({ status: 404, code: 'not_found' });
    return send(request, reply, detail(row, siteUrl));
  });

  await app.listen({ port: 0, host: '127.0.0.1' });
  return {
    port: app.server.address().port,
    close: async () => {
      await app.close();
      await pool.end();
    },
  };
});
