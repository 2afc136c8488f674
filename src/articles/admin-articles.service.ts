import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { AuditService, type AuditContext } from '../audit/audit.service.js';
import { Clock } from '../common/clock/clock.js';
import { sqlState } from '../common/errors/database-errors.js';
import { AppException } from '../common/errors/app-exception.js';
import { assertIfMatch as assertVersion } from '../common/http/if-match.js';
import { ResponseCache } from '../common/http/response-cache.js';
import { pageWindow, toPage, type Page } from '../common/pagination/pagination.js';
import { validationFailed } from '../common/validation/validation-pipe.js';
import {
  applyEdits,
  changedFields,
  deriveFields,
  firstFreeSlug,
  highlightHtml,
  slugFromTitle,
  snapshotOf,
} from './article-content.js';
import { ArticleRevision, type ArticleSnapshot } from './article-revision.entity.js';
import { ArticleSlugRedirect } from './article-slug.entity.js';
import { Article, type ArticleStatus } from './article.entity.js';
import { type AdminSummaryRow, countQuery, type ListSort, type ListSpec, listQuery } from './articles.queries.js';
import { ARTICLES_CACHE_TAG, resolveSort, toView } from './articles.service.js';
import {
  ADMIN_SORT_FIELDS,
  type AdminListArticlesQuery,
  type CreateArticleRequest,
  type PublishArticleRequest,
  type UpdateArticleRequest,
} from './dto/article.requests.js';
import type { ArticleView } from './dto/article.responses.js';

export type RevisionAction = 'created' | 'updated' | 'published' | 'unpublished' | 'archived' | 'restored';

const assertIfMatch = (header: string | undefined, version: number) => assertVersion(header, version, 'article');

const slugTaken = () =>
  new AppException('conflict', 'Another article already uses this slug.', {
    errors: [{ field: 'slug', message: 'slug is already used by another article' }],
  });

/** Which statuses each status change may start from, and the revision action it records. */
const TRANSITIONS = {
  publish: { from: ['draft', 'archived'], action: 'published' },
  unpublish: { from: ['published'], action: 'unpublished' },
  archive: { from: ['draft', 'published'], action: 'archived' },
} as const satisfies Record<string, { from: ArticleStatus[]; action: RevisionAction }>;

export type AdminArticleList = Page<{ article: ArticleView & AdminSummaryFields; highlight?: string }>;
type AdminSummaryFields = Pick<Article, 'status' | 'version' | 'wordCount' | 'createdAt' | 'updatedAt'>;

/** How staff write articles: every change is one transaction with its revision and audit record. */
@Injectable()
export class AdminArticlesService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly cache: ResponseCache,
  ) {}

  async list(query: AdminListArticlesQuery): Promise<AdminArticleList> {
    const sort = resolveSort(query.sort, query.q, ADMIN_SORT_FIELDS, '-updatedAt') as ListSort[];
    const { skip, take } = pageWindow(query);
    const spec: ListSpec = {
      scope: { live: false, status: query.status },
      tag: query.tag,
      q: query.q,
      sort,
      limit: take,
      offset: skip,
    };
    const list = listQuery(spec);
    const count = countQuery(spec);
    const [rows, [{ total }]] = await Promise.all([
      this.dataSource.query<(AdminSummaryRow & { highlight?: string })[]>(list.text, list.values),
      this.dataSource.query<{ total: number }[]>(count.text, count.values),
    ]);
    const items = rows.map((row) => ({
      article: {
        ...toView(row),
        status: row.status as ArticleStatus,
        version: row.version,
        wordCount: row.word_count,
        createdAt: row.created_at,
        updatedAt: row.updated_at,
      },
      ...(row.highlight !== undefined ? { highlight: highlightHtml(row.highlight) } : {}),
    }));
    return toPage(items, total, query);
  }

  get(id: string): Promise<Article> {
    return this.find(this.dataSource.manager, id);
  }

  create(body: CreateArticleRequest, ctx: AuditContext): Promise<Article> {
    return this.write(async (manager) => {
      const slug = body.slug ?? (await this.freeSlug(manager, slugFromTitle(body.title)));
      if (body.slug !== undefined) await this.claimSlug(manager, slug);
      const snapshot = applyEdits(undefined, body, slug);
      const article = manager.create(Article, {
        ...snapshot,
        ...deriveFields(snapshot),
        status: 'draft',
        publishedAt: null,
        version: 1,
        createdBy: ctx.actor.id,
        updatedBy: ctx.actor.id,
      });
      await manager.save(article);
      await this.recordChange(manager, ctx, article, 'created', { slug });
      return article;
    });
  }

  update(id: string, body: UpdateArticleRequest, ifMatch: string | undefined, ctx: AuditContext): Promise<Article> {
    return this.write(async (manager) => {
      const article = await this.find(manager, id, true);
      assertIfMatch(ifMatch, article.version);
      const before = snapshotOf(article);
      const slug = body.slug ?? article.slug;
      if (slug !== article.slug) await this.rename(manager, article, slug);
      const after = applyEdits(before, body, slug);
      const fields = changedFields(before, after);
      if (fields.length === 0) return article;
      if (article.status === 'published' && after.body.trim() === '') throw emptyBody();
      Object.assign(article, after, deriveFields(after));
      await this.saveVersion(manager, article, ctx);
      await this.recordChange(manager, ctx, article, 'updated', { fields });
      return article;
    });
  }

  /** Publishes now, at a past instant (backdating) or at a future one (scheduled). */
  publish(id: string, body: PublishArticleRequest, ifMatch: string | undefined, ctx: AuditContext): Promise<Article> {
    return this.transition(id, 'publish', ifMatch, ctx, (article) => {
      if (article.body.trim() === '') throw emptyBody();
      article.status = 'published';
      article.publishedAt = body.publishedAt ? new Date(body.publishedAt) : this.clock.now();
      return { publishedAt: article.publishedAt.toISOString() };
    });
  }

  /** Back to draft: off the public site, publication date cleared. */
  unpublish(id: string, ifMatch: string | undefined, ctx: AuditContext): Promise<Article> {
    return this.transition(id, 'unpublish', ifMatch, ctx, (article) => {
      article.status = 'draft';
      article.publishedAt = null;
      return {};
    });
  }

  /** Off the public site for good; the publication date stays as history. */
  archive(id: string, ifMatch: string | undefined, ctx: AuditContext): Promise<Article> {
    return this.transition(id, 'archive', ifMatch, ctx, (article) => {
      article.status = 'archived';
      return {};
    });
  }

  remove(id: string, ifMatch: string | undefined, ctx: AuditContext): Promise<void> {
    return this.write(async (manager) => {
      const article = await this.find(manager, id, true);
      assertIfMatch(ifMatch, article.version);
      await manager.delete(Article, { id });
      await this.audit.record(manager, ctx, {
        action: 'article.deleted',
        entityType: 'article',
        entityId: id,
        metadata: { slug: article.slug, version: article.version },
      });
    });
  }

  async revisions(id: string, page: { page: number; pageSize: number }): Promise<Page<ArticleRevision>> {
    await this.find(this.dataSource.manager, id);
    const [rows, total] = await this.dataSource.getRepository(ArticleRevision).findAndCount({
      where: { articleId: id },
      order: { version: 'DESC' },
      ...pageWindow(page),
    });
    return toPage(rows, total, page);
  }

  /** Makes the revision's editable fields current again, as a new version (the history is kept). */
  restore(id: string, revisionId: string, ifMatch: string | undefined, ctx: AuditContext): Promise<Article> {
    return this.write(async (manager) => {
      const article = await this.find(manager, id, true);
      assertIfMatch(ifMatch, article.version);
      const revision = await manager.findOneBy(ArticleRevision, { id: revisionId, articleId: id });
      if (!revision) throw new AppException('not_found', 'This article has no such revision.');
      const restored: ArticleSnapshot = revision.snapshot;
      if (restored.slug !== article.slug) await this.rename(manager, article, restored.slug);
      if (article.status === 'published' && restored.body.trim() === '') throw emptyBody();
      Object.assign(article, restored, deriveFields(restored));
      await this.saveVersion(manager, article, ctx);
      await this.recordChange(manager, ctx, article, 'restored', { fromVersion: revision.version });
      return article;
    });
  }

  private transition(
    id: string,
    kind: keyof typeof TRANSITIONS,
    ifMatch: string | undefined,
    ctx: AuditContext,
    apply: (article: Article) => Record<string, unknown>,
  ): Promise<Article> {
    return this.write(async (manager) => {
      const article = await this.find(manager, id, true);
      assertIfMatch(ifMatch, article.version);
      const { from, action } = TRANSITIONS[kind];
      if (!(from as readonly ArticleStatus[]).includes(article.status)) {
        throw new AppException('invalid_transition', `A ${article.status} article cannot be ${action}.`, {
          extensions: { currentStatus: article.status, allowedFrom: from },
        });
      }
      const metadata = apply(article);
      await this.saveVersion(manager, article, ctx);
      await this.recordChange(manager, ctx, article, action, metadata);
      return article;
    });
  }

  /** Runs a change in one transaction, then forgets the cached public responses it may have changed. */
  private async write<T>(change: (manager: EntityManager) => Promise<T>): Promise<T> {
    try {
      return await this.dataSource.transaction(change);
    } catch (error) {
      // Two writers claiming one slug at once: the unique index decides, the loser gets the same 409.
      if (sqlState(error) === '23505' && /slug/i.test(String((error as { detail?: string }).detail ?? ''))) {
        throw slugTaken();
      }
      throw error;
    } finally {
      this.cache.invalidate(ARTICLES_CACHE_TAG);
    }
  }

  private async find(manager: EntityManager, id: string, lock = false): Promise<Article> {
    const article = await manager.findOne(Article, {
      where: { id },
      ...(lock ? { lock: { mode: 'pessimistic_write' as const } } : {}),
    });
    if (!article) throw new AppException('not_found', 'No article has this id.');
    return article;
  }

  /** Old slugs that redirect to the article. */
  async previousSlugs(id: string): Promise<string[]> {
    const rows = await this.dataSource.manager.find(ArticleSlugRedirect, {
      where: { articleId: id },
      order: { slug: 'ASC' },
    });
    return rows.map((row) => row.slug);
  }

  /** `base`, or the first `base-N` that no article uses now or used before. */
  private async freeSlug(manager: EntityManager, base: string): Promise<string> {
    const rows = await manager.query<{ slug: string }[]>(
      `SELECT slug FROM articles WHERE slug = $1 OR slug LIKE $2
       UNION SELECT slug FROM article_slug_redirects WHERE slug = $1 OR slug LIKE $2`,
      [base, `${base.slice(0, 100)}-%`],
    );
    return firstFreeSlug(base, new Set(rows.map((row) => row.slug)));
  }

  /** An explicit slug: 409 when an article has it now; an old slug of another article is taken over. */
  private async claimSlug(manager: EntityManager, slug: string): Promise<void> {
    if (await manager.existsBy(Article, { slug })) throw slugTaken();
    await manager.delete(ArticleSlugRedirect, { slug });
  }

  /** The old slug keeps working (301) for as long as no article claims it. */
  private async rename(manager: EntityManager, article: Article, slug: string): Promise<void> {
    await this.claimSlug(manager, slug);
    await manager.upsert(ArticleSlugRedirect, { slug: article.slug, articleId: article.id }, ['slug']);
    article.slug = slug;
  }

  private async saveVersion(manager: EntityManager, article: Article, ctx: AuditContext): Promise<void> {
    article.version += 1;
    article.updatedBy = ctx.actor.id;
    await manager.save(article);
  }

  private async recordChange(
    manager: EntityManager,
    ctx: AuditContext,
    article: Article,
    action: RevisionAction,
    metadata: Record<string, unknown>,
  ): Promise<void> {
    await manager.insert(ArticleRevision, {
      articleId: article.id,
      version: article.version,
      action,
      snapshot: snapshotOf(article),
      actorType: ctx.actor.type,
      actorId: ctx.actor.id,
    });
    await this.audit.record(manager, ctx, {
      action: `article.${action}`,
      entityType: 'article',
      entityId: article.id,
      metadata: { ...metadata, version: article.version },
    });
  }
}

function emptyBody(): AppException {
  return validationFailed([{ field: 'body', message: 'body must not be empty in a published article' }]);
}
