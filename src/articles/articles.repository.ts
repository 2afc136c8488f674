import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager, In } from 'typeorm';
import { VersionedRepository } from '../common/persistence/versioned.repository.js';
import { pgPool } from '../database/query-deadline.js';
import type { ReadTarget } from '../database/read-replicas.js';
import { Practitioner } from '../practitioners/index.js';
import { ArticleRevision } from './article-revision.entity.js';
import { ArticleSlugRedirect } from './article-slug.entity.js';
import { Article, type ArticleStatus } from './article.entity.js';
import {
  type AdminSummaryRow,
  countQuery,
  type DetailRow,
  linkedPractitionersQuery,
  type LinkedPractitionerRow,
  detailQuery,
  feedQuery,
  type ListSpec,
  listQuery,
  practitionerRedirectQuery,
  publishedPractitionerQuery,
  redirectQuery,
  relatedQuery,
  slugsLikeQuery,
  type SqlQuery,
  type SummaryRow,
  tagsOfQuery,
  tagsQuery,
} from './articles.queries.js';

/** A list's filters, order and window: everything but which articles it may show. */
export type ListFilter = Omit<ListSpec, 'scope'>;

/** One page of a list, and how many rows the whole list has (at least, when `totalIsLowerBound`: a capped search). */
export interface Listing<Row> {
  rows: Row[];
  total: number;
  totalIsLowerBound: boolean;
}

/** What countQuery answers: `capped` only for a search. */
interface CountRow {
  total: number;
  capped?: boolean;
}

const listing = <Row>(rows: Row[], [count]: CountRow[]): Listing<Row> => ({
  rows,
  total: count.total,
  totalIsLowerBound: count.capped === true,
});

/** A tag of live articles, how many use it, and how many such tags there are. */
export interface TagCountRow {
  tag: string;
  count: number;
  total: number;
}

/** What announcing an article's going live needs of it. */
export type GoingLive = Pick<Article, 'id' | 'slug' | 'version' | 'publishedAt'>;

/** What a revision records; its id and time are the database's. */
export type NewRevision = Pick<
  ArticleRevision,
  'articleId' | 'version' | 'action' | 'snapshot' | 'actorType' | 'actorId'
>;

/**
 * Every query of the article aggregate: articles, their revisions and their old slugs. What it sends is committed as
 * `queries/articles.repository.sql` (see articles.queries.spec.ts), so that a change of SQL shows in review.
 */
@Injectable()
export class ArticlesRepository extends VersionedRepository<Article> {
  readonly noun = 'article';

  constructor(@InjectDataSource() dataSource: DataSource) {
    super(dataSource, Article);
  }

  // Public reads: live articles only (published, `publishedAt` reached), each on `on` (a replica or the primary, see
  // ReadReplicas) when given, else on the primary.

  /** One page of live summaries. */
  async listLive(now: Date, filter: ListFilter, on?: ReadTarget): Promise<Listing<SummaryRow>> {
    const spec: ListSpec = { ...filter, scope: { live: true, now } };
    const [rows, count] = await Promise.all([
      this.rows<SummaryRow>(listQuery(spec), on),
      this.rows<CountRow>(countQuery(spec), on),
    ]);
    return listing(rows, count);
  }

  /** The live article with this slug, body included. */
  async findLive(slug: string, now: Date, on?: ReadTarget): Promise<DetailRow | undefined> {
    const [row] = await this.rows<DetailRow>(detailQuery(slug, now), on);
    return row;
  }

  /** The current slug of the live article that used to have this one. */
  async renamedTo(slug: string, now: Date, on?: ReadTarget): Promise<string | undefined> {
    const [row] = await this.rows<{ slug: string }>(redirectQuery(slug, now), on);
    return row?.slug;
  }

  /** The id and tags of the live article with this slug (not its body): what its relatives are found from. */
  async findLiveTags(slug: string, now: Date, on?: ReadTarget): Promise<{ id: string; tags: string[] } | undefined> {
    const [row] = await this.rows<{ id: string; tags: string[] }>(tagsOfQuery(slug, now), on);
    return row;
  }

  /** Live articles sharing tags with this one, each row with the number of all of them. */
  related(
    article: { id: string; tags: string[] },
    now: Date,
    limit: number,
    on?: ReadTarget,
  ): Promise<(SummaryRow & { total: number })[]> {
    return this.rows(relatedQuery(article, now, limit), on);
  }

  /** Tags of live articles, most used first. */
  tagCounts(now: Date, limit: number, offset: number, on?: ReadTarget): Promise<TagCountRow[]> {
    return this.rows(tagsQuery(now, limit, offset), on);
  }

  /** The newest live articles. */
  feed(now: Date, limit: number, on?: ReadTarget): Promise<SummaryRow[]> {
    return this.rows(feedQuery(now, limit), on);
  }

  // Practitioners, as articles refer to them (their own module owns them; these are reads of what articles need).

  /** The id of the published practitioner with this slug. */
  async publishedPractitioner(slug: string, on?: ReadTarget): Promise<string | undefined> {
    const [row] = await this.rows<{ id: string }>(publishedPractitionerQuery(slug), on);
    return row?.id;
  }

  /** The current slug of the published practitioner that used to have this one. */
  async practitionerRenamedTo(slug: string, on?: ReadTarget): Promise<string | undefined> {
    const [row] = await this.rows<{ slug: string }>(practitionerRedirectQuery(slug), on);
    return row?.slug;
  }

  /** These practitioners by id, with their photos' media items: published ones only, unless `hidden`. */
  async linkedPractitioners(
    ids: string[],
    hidden: boolean,
    on?: ReadTarget,
  ): Promise<Map<string, LinkedPractitionerRow>> {
    if (ids.length === 0) return new Map();
    const rows = await this.rows<LinkedPractitionerRow>(linkedPractitionersQuery([...new Set(ids)], hidden), on);
    return new Map(rows.map((row) => [row.id, row]));
  }

  /** The ids of the practitioners (any, hidden too) with these current slugs. */
  async practitionerIds(slugs: string[], manager?: EntityManager): Promise<Map<string, string>> {
    if (slugs.length === 0) return new Map();
    const rows = await this.manager(manager).find(Practitioner, {
      select: { id: true, slug: true },
      where: { slug: In(slugs) },
    });
    return new Map(rows.map((row) => [row.slug, row.id]));
  }

  /** Which of these practitioner ids still exist. */
  async existingPractitioners(ids: string[], manager?: EntityManager): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const rows = await this.manager(manager).find(Practitioner, { select: { id: true }, where: { id: In(ids) } });
    return new Set(rows.map((row) => row.id));
  }

  /**
   * The hottest reads in the API go straight to the driver's pg pool: TypeORM's query runner adds nothing
   * to a read-only statement but per-call overhead. Errors keep their SQLSTATE, so 503 handling still works.
   * It is the same pool, so the same deadlines: waiting for a connection, and DB_QUERY_TIMEOUT_MS per query. For the
   * public, the pool is a read replica's when ReadReplicas chose one (`on`).
   */
  private async rows<T>(query: SqlQuery, on?: ReadTarget): Promise<T[]> {
    if (on) return on.rows<T>(query.text, query.values);
    return (await pgPool(this.dataSource).query(query.text, query.values)).rows as T[];
  }

  // Staff: every status.

  /** One page of summaries in any status, or in one. */
  async listAny(
    status: ArticleStatus | undefined,
    filter: ListFilter,
    manager?: EntityManager,
  ): Promise<Listing<AdminSummaryRow>> {
    const spec: ListSpec = { ...filter, scope: { live: false, status } };
    const list = listQuery(spec);
    const count = countQuery(spec);
    const db = this.manager(manager);
    const [rows, counted] = await Promise.all([
      db.query<AdminSummaryRow[]>(list.text, list.values),
      db.query<CountRow[]>(count.text, count.values),
    ]);
    return listing(rows, counted);
  }

  /** The slugs that are `base` or start with `base-`, used by an article now or before (a redirect). */
  async slugsLike(base: string, manager?: EntityManager): Promise<Set<string>> {
    const query = slugsLikeQuery(base);
    const rows = await this.manager(manager).query<{ slug: string }[]>(query.text, query.values);
    return new Set(rows.map((row) => row.slug));
  }

  /**
   * Takes `slug` for an article: false when an article has it now; an old slug of another article stops
   * redirecting. The unique index still decides between two transactions claiming it at once.
   */
  async claimSlug(slug: string, manager: EntityManager): Promise<boolean> {
    if (await manager.existsBy(Article, { slug })) return false;
    await manager.delete(ArticleSlugRedirect, { slug });
    return true;
  }

  /** Requests for `slug` are redirected (301) to the article until another article claims it. */
  async redirect(slug: string, articleId: string, manager: EntityManager): Promise<void> {
    await manager.upsert(ArticleSlugRedirect, { slug, articleId }, ['slug']);
  }

  /** The old slugs that redirect to the article, alphabetically. */
  async previousSlugs(articleId: string, manager?: EntityManager): Promise<string[]> {
    const rows = await this.manager(manager).find(ArticleSlugRedirect, {
      where: { articleId },
      order: { slug: 'ASC' },
    });
    return rows.map((row) => row.slug);
  }

  /** The slugs of the articles (any status) whose cover is this media item, alphabetically. */
  async slugsWithCover(mediaId: string, manager?: EntityManager): Promise<string[]> {
    const rows = await this.manager(manager).find(Article, {
      select: { slug: true },
      where: { coverMediaId: mediaId },
      order: { slug: 'ASC' },
    });
    return rows.map((row) => row.slug);
  }

  /** The article with its revisions and old slugs (they cascade). */
  async delete(id: string, manager: EntityManager): Promise<void> {
    await manager.delete(Article, { id });
  }

  // Going live.

  /**
   * Published articles whose `publishedAt` has come and whose going live is not announced yet (`wentLiveAt` null),
   * oldest first, locked until the transaction ends: a concurrent sweep skips them rather than waiting.
   */
  dueToGoLive(now: Date, limit: number, manager: EntityManager): Promise<GoingLive[]> {
    return manager
      .createQueryBuilder(Article, 'a')
      .select(['a.id', 'a.slug', 'a.version', 'a.publishedAt'])
      .where("a.status = 'published' AND a.wentLiveAt IS NULL AND a.publishedAt <= :now", { now })
      .orderBy('a.publishedAt', 'ASC')
      .addOrderBy('a.id', 'ASC')
      .limit(limit)
      .setLock('pessimistic_write')
      .setOnLocked('skip_locked')
      .getMany();
  }

  /** Records that their going live was announced; neither a new version nor a change staff or readers see. */
  async markWentLive(ids: readonly string[], at: Date, manager: EntityManager): Promise<void> {
    if (ids.length === 0) return;
    await manager
      .createQueryBuilder()
      .update(Article)
      .set({ wentLiveAt: at, updatedAt: () => 'updated_at' })
      .whereInIds(ids)
      .execute();
  }

  // Revisions.

  insertRevision(revision: NewRevision, manager: EntityManager): Promise<unknown> {
    return manager.insert(ArticleRevision, revision);
  }

  /** One page of the article's revisions, newest first, and how many it has. */
  revisions(
    articleId: string,
    window: { skip: number; take: number },
    manager?: EntityManager,
  ): Promise<[ArticleRevision[], number]> {
    return this.manager(manager).findAndCount(ArticleRevision, {
      where: { articleId },
      order: { version: 'DESC' },
      ...window,
    });
  }

  findRevision(articleId: string, revisionId: string, manager?: EntityManager): Promise<ArticleRevision | null> {
    return this.manager(manager).findOneBy(ArticleRevision, { id: revisionId, articleId });
  }

  /** The version of the article's latest revision recorded by one of these actions; 0 when there is none. */
  async lastRevisionVersion(articleId: string, actions: readonly string[], manager?: EntityManager): Promise<number> {
    const where = { articleId, action: In([...actions]) };
    return (await this.manager(manager).maximum(ArticleRevision, 'version', where)) ?? 0;
  }
}
