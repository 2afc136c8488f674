import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { AuditContext } from '../common/audit/audit-log.js';
import { Clock } from '../common/clock/clock.js';
import { AppException } from '../common/errors/app-exception.js';
import { pageWindow, toCappedPage, toPage, type Page } from '../common/pagination/pagination.js';
import {
  type ChangeRecord,
  notFound,
  VersionedWrites,
  type WriteScope,
} from '../common/persistence/versioned-writes.js';
import { validationFailed } from '../common/validation/validation-pipe.js';
import { MediaCatalog, type MediaImage } from '../media/index.js';
import { Outbox, type OutboxEvent, WebhookDispatcher } from '../notifications/index.js';
import {
  applyEdits,
  changedFields,
  deriveFields,
  firstFreeSlug,
  highlightHtml,
  slugFromTitle,
  snapshotOf,
} from './article-content.js';
import { ArticleCovers } from './article-covers.js';
import { ArticlePeople, type PeopleSlugs } from './article-people.js';
import { articleEvents, type EventTime } from './article-events.js';
import type { ArticleRevision, ArticleSnapshot } from './article-revision.entity.js';
import { Article, type ArticleStatus } from './article.entity.js';
import type { ListSort } from './articles.queries.js';
import { ArticlesRepository } from './articles.repository.js';
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

const slugTaken = () =>
  new AppException('conflict', 'Another article already uses this slug.', {
    errors: [{ field: 'slug', message: 'slug is already used by another article' }],
  });

/**
 * Every article write changes what the public reads, and two writers may race for one slug: the unique index
 * decides, and the loser gets the same 409 as when the slug was already taken.
 */
const ARTICLE_WRITES: WriteScope = {
  invalidates: [ARTICLES_CACHE_TAG],
  conflicts: [{ key: /slug/i, error: slugTaken }],
};

/** Which statuses each status change may start from, and the revision action it records. */
const TRANSITIONS = {
  publish: { from: ['draft', 'archived'], action: 'published' },
  unpublish: { from: ['published'], action: 'unpublished' },
  archive: { from: ['draft', 'published'], action: 'archived' },
} as const satisfies Record<string, { from: ArticleStatus[]; action: RevisionAction }>;

export type AdminArticleList = Page<{ article: ArticleView & AdminSummaryFields; highlight?: string }> & {
  meta: { totalIsLowerBound?: true };
};
type AdminSummaryFields = Pick<Article, 'status' | 'version' | 'wordCount' | 'createdAt' | 'updatedAt'>;

/** What a change records in the audit log: `article.<action>`, what it changed and the version it made. */
const changeRecord = (action: RevisionAction, metadata: Record<string, unknown>, saved: Article): ChangeRecord => ({
  action: `article.${action}`,
  metadata: { ...metadata, version: saved.version },
});

/** How staff write articles: every change is one transaction with its revision and audit record. */
@Injectable()
export class AdminArticlesService {
  constructor(
    private readonly articles: ArticlesRepository,
    private readonly writes: VersionedWrites,
    private readonly clock: Clock,
    private readonly outbox: Outbox,
    private readonly dispatcher: WebhookDispatcher,
    private readonly media: MediaCatalog,
    private readonly covers: ArticleCovers,
    private readonly people: ArticlePeople,
  ) {}

  async list(query: AdminListArticlesQuery): Promise<AdminArticleList> {
    const sort = resolveSort(query.sort, query.q, ADMIN_SORT_FIELDS, '-updatedAt') as ListSort[];
    const { skip, take } = pageWindow(query);
    const { rows, total, totalIsLowerBound } = await this.articles.listAny(query.status, {
      tag: query.tag,
      q: query.q,
      sort,
      limit: take,
      offset: skip,
    });
    const views = await this.people.attach(await this.covers.attach(rows.map(toView)), true);
    const items = rows.map((row, i) => ({
      article: {
        ...views[i],
        status: row.status as ArticleStatus,
        version: row.version,
        wordCount: row.word_count,
        createdAt: row.created_at,
        updatedAt: row.updated_at,
      },
      ...(row.highlight !== undefined ? { highlight: highlightHtml(row.highlight) } : {}),
    }));
    return toCappedPage(items, { total, capped: totalIsLowerBound }, query);
  }

  async get(id: string): Promise<Article> {
    const article = await this.articles.findById(id);
    if (!article) throw notFound(this.articles.noun);
    return article;
  }

  create(body: CreateArticleRequest, ctx: AuditContext): Promise<Article> {
    return this.writes.transaction(ARTICLE_WRITES, async (manager) => {
      const slug = body.slug ?? (await this.freeSlug(manager, slugFromTitle(body.title)));
      if (body.slug !== undefined) await this.claimSlug(manager, slug);
      const snapshot = applyEdits(undefined, body, slug, await this.people.resolve(body, manager));
      if (!(await this.claimCover(manager, snapshot.coverMediaId))) throw unknownCover();
      const article = Object.assign(new Article(), {
        ...snapshot,
        ...deriveFields(snapshot),
        status: 'draft',
        publishedAt: null,
        wentLiveAt: null,
        version: 1,
        createdBy: ctx.actor.id,
        updatedBy: ctx.actor.id,
      } satisfies Partial<Article>);
      await this.articles.save(article, manager);
      await this.writes.audit(manager, this.articles, article, ctx, changeRecord('created', { slug }, article));
      await this.recordRevision(manager, ctx, article, 'created');
      return article;
    });
  }

  update(id: string, body: UpdateArticleRequest, ifMatch: string | undefined, ctx: AuditContext): Promise<Article> {
    return this.revise(id, ifMatch, ctx, 'updated', async (article, manager) => {
      const before = snapshotOf(article);
      const slug = body.slug ?? article.slug;
      if (slug !== article.slug) await this.rename(manager, article, slug);
      const after = applyEdits(before, body, slug, await this.people.resolve(body, manager));
      if (after.coverMediaId !== before.coverMediaId && !(await this.claimCover(manager, after.coverMediaId))) {
        throw unknownCover();
      }
      const fields = changedFields(before, after);
      if (fields.length === 0) return undefined;
      if (article.status === 'published' && after.body.trim() === '') throw emptyBody();
      Object.assign(article, after, deriveFields(after));
      return { fields };
    });
  }

  /**
   * Publishes now, at a past instant (backdating) or at a future one (scheduled). Goes live, and `article.published`
   * is emitted, at once unless scheduled; a scheduled one goes live when its time comes (ArticleGoLive).
   *
   * An archived article that was published (its `publishedAt` has passed) and is published again without a date
   * keeps its first `publishedAt` (readers, feeds and `datePublished` keep the article's real age) and gets
   * `republishedAt`: now. With a `publishedAt`, the editor dates it anew, as a first publication.
   */
  publish(id: string, body: PublishArticleRequest, ifMatch: string | undefined, ctx: AuditContext): Promise<Article> {
    return this.transition(id, 'publish', ifMatch, ctx, (article) => {
      if (article.body.trim() === '') throw emptyBody();
      const now = this.clock.now();
      const republished =
        article.status === 'archived' &&
        !body.publishedAt &&
        article.publishedAt !== null &&
        article.publishedAt <= now;
      article.status = 'published';
      if (republished) {
        article.republishedAt = now;
        article.wentLiveAt = now;
        return { publishedAt: article.publishedAt!.toISOString(), republishedAt: now.toISOString() };
      }
      article.publishedAt = body.publishedAt ? new Date(body.publishedAt) : now;
      article.republishedAt = null;
      article.wentLiveAt = article.publishedAt <= now ? now : null;
      return { publishedAt: article.publishedAt.toISOString() };
    });
  }

  /** Back to draft: off the public site, publication date cleared. */
  unpublish(id: string, ifMatch: string | undefined, ctx: AuditContext): Promise<Article> {
    return this.transition(id, 'unpublish', ifMatch, ctx, (article) => {
      article.status = 'draft';
      article.publishedAt = null;
      article.republishedAt = null;
      article.wentLiveAt = null;
      return {};
    });
  }

  /** Off the public site for good; the publication date stays as history. */
  archive(id: string, ifMatch: string | undefined, ctx: AuditContext): Promise<Article> {
    return this.transition(id, 'archive', ifMatch, ctx, (article) => {
      article.status = 'archived';
      article.wentLiveAt = null;
      return {};
    });
  }

  remove(id: string, ifMatch: string | undefined, ctx: AuditContext): Promise<void> {
    return this.write(async (manager) => {
      const article = await this.writes.lock(manager, this.articles, id, ifMatch);
      await this.articles.delete(id, manager);
      await this.writes.audit(manager, this.articles, article, ctx, {
        action: 'article.deleted',
        metadata: { slug: article.slug, version: article.version },
      });
      await this.outbox.enqueue(manager, articleEvents.deleted(article, this.eventTime(ctx)));
    });
  }

  async revisions(id: string, page: { page: number; pageSize: number }): Promise<Page<ArticleRevision>> {
    await this.get(id);
    const [rows, total] = await this.articles.revisions(id, pageWindow(page));
    return toPage(rows, total, page);
  }

  /** Makes the revision's editable fields current again, as a new version (the history is kept). */
  restore(id: string, revisionId: string, ifMatch: string | undefined, ctx: AuditContext): Promise<Article> {
    return this.revise(id, ifMatch, ctx, 'restored', async (article, manager) => {
      const revision = await this.articles.findRevision(id, revisionId, manager);
      if (!revision) throw new AppException('not_found', 'This article has no such revision.');
      const links = await this.people.existing(
        {
          author: revision.snapshot.authorPractitionerId ?? null,
          reviewer: revision.snapshot.reviewedByPractitionerId ?? null,
        },
        manager,
      );
      const restored: ArticleSnapshot = {
        ...revision.snapshot,
        coverMediaId: revision.snapshot.coverMediaId ?? null,
        authorPractitionerId: links.author ?? null,
        reviewedByPractitionerId: links.reviewer ?? null,
      };
      if (restored.coverMediaId !== article.coverMediaId && !(await this.claimCover(manager, restored.coverMediaId))) {
        throw new AppException(
          'conflict',
          'The cover image of this revision was deleted from the media library: it cannot be restored as it was.',
        );
      }
      if (restored.slug !== article.slug) await this.rename(manager, article, restored.slug);
      if (article.status === 'published' && restored.body.trim() === '') throw emptyBody();
      Object.assign(article, restored, deriveFields(restored));
      return { fromVersion: revision.version };
    });
  }

  /** Old slugs that redirect to the article. */
  previousSlugs(id: string): Promise<string[]> {
    return this.articles.previousSlugs(id);
  }

  /** The article with its cover's media item and its practitioners' slugs looked up, for a response. */
  async withCover(article: Article): Promise<Article & { coverMedia: MediaImage | null } & PeopleSlugs> {
    return this.people.attachOne(await this.covers.attachOne(article), true);
  }

  private transition(
    id: string,
    kind: keyof typeof TRANSITIONS,
    ifMatch: string | undefined,
    ctx: AuditContext,
    apply: (article: Article) => Record<string, unknown>,
  ): Promise<Article> {
    const { from, action } = TRANSITIONS[kind];
    return this.revise(id, ifMatch, ctx, action, (article) => {
      if (!(from as readonly ArticleStatus[]).includes(article.status)) {
        throw new AppException('invalid_transition', `A ${article.status} article cannot be ${action}.`, {
          extensions: { currentStatus: article.status, allowedFrom: from },
        });
      }
      return apply(article);
    });
  }

  /**
   * One change of an existing article, in one transaction: lock it (404, 412 on a stale If-Match), `change` it, and
   * unless that returned `undefined` ("nothing changed") save it as the next version with its audit record, its
   * revision and the event it announces, if any.
   */
  private revise(
    id: string,
    ifMatch: string | undefined,
    ctx: AuditContext,
    action: RevisionAction,
    change: (
      article: Article,
      manager: EntityManager,
    ) => Record<string, unknown> | undefined | Promise<Record<string, unknown> | undefined>,
  ): Promise<Article> {
    return this.write(async (manager) => {
      let previousSlug = '';
      const { entity, changed } = await this.writes.change(
        manager,
        this.articles,
        id,
        ifMatch,
        ctx,
        async (article) => {
          previousSlug = article.slug;
          const metadata = await change(article, manager);
          return metadata && ((saved: Article) => changeRecord(action, metadata, saved));
        },
      );
      if (!changed) return entity;
      await this.recordRevision(manager, ctx, entity, action);
      const event = announcement(action, entity, previousSlug, this.eventTime(ctx));
      if (event) await this.outbox.enqueue(manager, event);
      return entity;
    });
  }

  /** One write transaction of an existing article; its events are sent as soon as it commits. */
  private async write<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    const result = await this.writes.transaction(ARTICLE_WRITES, work);
    this.dispatcher.poke();
    return result;
  }

  private eventTime(ctx: AuditContext): EventTime {
    return { occurredAt: this.clock.now(), trace: ctx.trace };
  }

  private recordRevision(manager: EntityManager, ctx: AuditContext, article: Article, action: RevisionAction) {
    return this.articles.insertRevision(
      {
        articleId: article.id,
        version: article.version,
        action,
        snapshot: snapshotOf(article),
        actorType: ctx.actor.type,
        actorId: ctx.actor.id,
      },
      manager,
    );
  }

  /**
   * Whether the media item about to become the cover (if any) exists. It stays share-locked until the write commits,
   * so that a delete in progress cannot remove it under the article (see MediaCatalog.claim).
   */
  private async claimCover(manager: EntityManager, mediaId: string | null): Promise<boolean> {
    return mediaId === null || (await this.media.claim([mediaId], manager)).has(mediaId);
  }

  /** `base`, or the first `base-N` that no article uses now or used before. */
  private async freeSlug(manager: EntityManager, base: string): Promise<string> {
    return firstFreeSlug(base, await this.articles.slugsLike(base, manager));
  }

  /** An explicit slug: 409 when an article has it now; an old slug of another article is taken over. */
  private async claimSlug(manager: EntityManager, slug: string): Promise<void> {
    if (!(await this.articles.claimSlug(slug, manager))) throw slugTaken();
  }

  /** The old slug keeps working (301) for as long as no article claims it. */
  private async rename(manager: EntityManager, article: Article, slug: string): Promise<void> {
    await this.claimSlug(manager, slug);
    await this.articles.redirect(article.slug, article.id, manager);
    article.slug = slug;
  }
}

/**
 * What a saved change announces: going live (a scheduled publication goes live later: ArticleGoLive), a change of a
 * live article (drafts and scheduled ones change nothing public), leaving the site.
 */
function announcement(
  action: RevisionAction,
  article: Article,
  previousSlug: string,
  at: EventTime,
): OutboxEvent | undefined {
  switch (action) {
    case 'published':
      return article.wentLiveAt ? articleEvents.published(article, at) : undefined;
    case 'updated':
    case 'restored':
      return article.wentLiveAt ? articleEvents.updated(article, previousSlug, at) : undefined;
    case 'unpublished':
      return articleEvents.unpublished(article, at);
    case 'archived':
      return articleEvents.archived(article, at);
    case 'created':
      return undefined;
  }
}

function unknownCover(): AppException {
  return validationFailed([{ field: 'coverImage.mediaId', message: 'coverImage.mediaId names no media item' }]);
}

function emptyBody(): AppException {
  return validationFailed([{ field: 'body', message: 'body must not be empty in a published article' }]);
}
