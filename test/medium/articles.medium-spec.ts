import { jest } from '@jest/globals';
import { randomBytes, randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { AdminArticlesService } from '../../src/articles/admin-articles.service.js';
import type { Article, ArticleStatus } from '../../src/articles/article.entity.js';
import { ArticlesRepository } from '../../src/articles/articles.repository.js';
import { ArticlesService } from '../../src/articles/articles.service.js';
import type { CreateArticleRequest } from '../../src/articles/dto/article.requests.js';
import { AuditEvent } from '../../src/audit/audit-event.entity.js';
import type { AuditContext } from '../../src/common/audit/audit-log.js';
import { ManualClock } from '../../src/common/clock/clock.js';
import { AppException } from '../../src/common/errors/app-exception.js';
import { describeConcurrently } from '../setup/test-database.js';
import { useTestApp } from '../utils/test-app.js';

/**
 * The article write rules on the real database, without HTTP: status transitions, scheduled publishing against the
 * injected clock, slug renames and their redirects, races between writers, and that a change is all or nothing.
 */

const HOUR_MS = 60 * 60 * 1000;
const START = new Date('2031-05-06T08:00:00.000Z');

const editor = (): AuditContext => ({
  actor: { type: 'user', id: randomUUID() },
  requestId: null,
  clientRequestId: null,
});

/** A slug no other test (nor another suite on the shared database) uses. */
const uniqueSlug = (base: string) => `${base}-${randomBytes(4).toString('hex')}`;

const request = (overrides: Partial<CreateArticleRequest> = {}): CreateArticleRequest => ({
  title: 'Being Kind to Yourself',
  body: 'Most of us speak to ourselves more harshly than to a friend.\n\n## Start small\n\nPause and notice.',
  tags: ['self-compassion'],
  author: { name: 'Maya Lindqvist' },
  ...overrides,
});

/** The rejection of `promise`, which must be an AppException. */
async function refusal(promise: Promise<unknown>): Promise<AppException> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppException);
  return error as AppException;
}

/** Resolves once `parties` callers wait on it: lets concurrent transactions reach the same point together. */
function barrier(parties: number): () => Promise<void> {
  let arrived = 0;
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return () => {
    arrived += 1;
    if (arrived === parties) open();
    return opened;
  };
}

describe('articles (medium: services and repository on the database)', () => {
  const clock = new ManualClock(START);
  const app = useTestApp({ clock });
  const admin = () => app().app.get(AdminArticlesService);
  const reader = () => app().app.get(ArticlesService);
  const repository = () => app().app.get(ArticlesRepository);

  const stored = async (id: string): Promise<Article> => {
    const article = await repository().findById(id);
    if (!article) throw new Error(`article ${id} is gone`);
    return article;
  };
  const auditOf = async (id: string) =>
    (
      await app()
        .app.get(DataSource)
        .getRepository(AuditEvent)
        .find({ where: { entityId: id }, order: { occurredAt: 'ASC' } })
    ).map(({ action, entityType, actorId, metadata }) => ({ action, entityType, actorId, metadata }));
  const revisionsOf = async (id: string) =>
    (await repository().revisions(id, { skip: 0, take: 100 }))[0].map((r) => ({
      version: r.version,
      action: r.action,
    }));

  const draft = (overrides: Partial<CreateArticleRequest> = {}, ctx = editor()) =>
    admin().create(request({ slug: uniqueSlug('article'), ...overrides }), ctx);

  /** An article brought to `status` the way staff would. */
  async function articleIn(status: ArticleStatus): Promise<Article> {
    const article = await draft();
    if (status === 'draft') return article;
    if (status === 'published') return admin().publish(article.id, {}, undefined, editor());
    return admin().archive(article.id, undefined, editor());
  }

  afterEach(() => {
    jest.restoreAllMocks();
    clock.set(START);
  });

  describe('status transitions', () => {
    const act = {
      publish: (id: string, ctx: AuditContext) => admin().publish(id, {}, undefined, ctx),
      unpublish: (id: string, ctx: AuditContext) => admin().unpublish(id, undefined, ctx),
      archive: (id: string, ctx: AuditContext) => admin().archive(id, undefined, ctx),
    };

    it.each<[ArticleStatus, keyof typeof act, ArticleStatus, string]>([
      ['draft', 'publish', 'published', 'published'],
      ['archived', 'publish', 'published', 'published'],
      ['published', 'unpublish', 'draft', 'unpublished'],
      ['draft', 'archive', 'archived', 'archived'],
      ['published', 'archive', 'archived', 'archived'],
    ])('%s → %s: %s, as the next version with its revision and audit event', async (from, move, to, action) => {
      const before = await articleIn(from);
      const ctx = editor();
      const after = await act[move](before.id, ctx);
      const saved = await stored(before.id);
      expect({ status: saved.status, version: saved.version, updatedBy: saved.updatedBy }).toEqual({
        status: to,
        version: before.version + 1,
        updatedBy: ctx.actor.id,
      });
      expect(after.version).toBe(saved.version);
      expect((await revisionsOf(before.id))[0]).toEqual({ version: saved.version, action });
      expect((await auditOf(before.id)).at(-1)).toEqual({
        action: `article.${action}`,
        entityType: 'article',
        actorId: ctx.actor.id,
        metadata: expect.objectContaining({ version: saved.version }),
      });
    });

    it.each<[ArticleStatus, keyof typeof act, string[]]>([
      ['published', 'publish', ['draft', 'archived']],
      ['draft', 'unpublish', ['published']],
      ['archived', 'unpublish', ['published']],
      ['archived', 'archive', ['draft', 'published']],
    ])('refuses %s → %s (invalid_transition) and changes nothing', async (from, move, allowedFrom) => {
      const before = await articleIn(from);
      const auditBefore = await auditOf(before.id);
      const error = await refusal(act[move](before.id, editor()));
      expect({ code: error.code, status: error.status, extensions: error.options.extensions }).toEqual({
        code: 'invalid_transition',
        status: 409,
        extensions: { currentStatus: from, allowedFrom },
      });
      expect((await stored(before.id)).version).toBe(before.version);
      expect(await auditOf(before.id)).toEqual(auditBefore);
    });

    it('refuses to publish an empty body, and to empty the body of a published article', async () => {
      const empty = await draft({ body: '  \n' });
      expect((await refusal(admin().publish(empty.id, {}, undefined, editor()))).options.errors).toEqual([
        { field: 'body', message: 'body must not be empty in a published article' },
      ]);
      const live = await articleIn('published');
      expect((await refusal(admin().update(live.id, { body: '' }, undefined, editor()))).code).toBe(
        'validation_failed',
      );
      expect((await stored(live.id)).version).toBe(live.version);
    });

    it('records metadata as before: publishedAt when publishing, fields when updating, slug and version 1 on create', async () => {
      const ctx = editor();
      const created = await draft({}, ctx);
      await admin().update(created.id, { title: 'Kinder Days', tags: ['calm'] }, '"v1"', ctx);
      await admin().publish(created.id, {}, '"v2"', ctx);
      expect((await auditOf(created.id)).map(({ action, metadata }) => ({ action, metadata }))).toEqual([
        { action: 'article.created', metadata: { slug: created.slug, version: 1 } },
        { action: 'article.updated', metadata: { fields: ['title', 'tags'], version: 2 } },
        { action: 'article.published', metadata: { publishedAt: START.toISOString(), version: 3 } },
      ]);
      expect(await revisionsOf(created.id)).toEqual([
        { version: 3, action: 'published' },
        { version: 2, action: 'updated' },
        { version: 1, action: 'created' },
      ]);
    });
  });

  describe('scheduled publishing (injected clock)', () => {
    it('shows a scheduled article from its publishedAt on, not a moment before', async () => {
      const article = await draft();
      const at = new Date(START.getTime() + 2 * HOUR_MS);
      await admin().publish(article.id, { publishedAt: at.toISOString() }, undefined, editor());
      expect((await stored(article.id)).publishedAt).toEqual(at);

      clock.set(new Date(at.getTime() - 1));
      expect((await refusal(reader().findBySlug(article.slug))).code).toBe('not_found');
      expect((await refusal(reader().related(article.slug, 3))).code).toBe('not_found');

      clock.set(at);
      expect(await reader().findBySlug(article.slug)).toEqual({
        article: expect.objectContaining({ id: article.id, publishedAt: at }),
      });
    });

    it('publishes at the clock’s now without publishedAt, backdates with a past one, and unpublishing clears it', async () => {
      const now = await articleIn('published');
      expect((await stored(now.id)).publishedAt).toEqual(START);

      const backdated = await draft();
      const past = new Date(START.getTime() - 30 * 24 * HOUR_MS);
      await admin().publish(backdated.id, { publishedAt: past.toISOString() }, undefined, editor());
      expect(await reader().findBySlug(backdated.slug)).toEqual({
        article: expect.objectContaining({ publishedAt: past }),
      });

      await admin().unpublish(backdated.id, undefined, editor());
      expect((await stored(backdated.id)).publishedAt).toBeNull();
      expect((await refusal(reader().findBySlug(backdated.slug))).code).toBe('not_found');
    });

    it('keeps publishedAt when archiving, and hides the article', async () => {
      const article = await articleIn('published');
      await admin().archive(article.id, undefined, editor());
      expect((await stored(article.id)).publishedAt).toEqual(START);
      expect((await refusal(reader().findBySlug(article.slug))).code).toBe('not_found');
    });
  });

  describe('slugs', () => {
    it('redirects an old slug to the new one until another article reclaims it', async () => {
      const oldSlug = uniqueSlug('first-name');
      const newSlug = uniqueSlug('second-name');
      const article = await draft({ slug: oldSlug });
      await admin().publish(article.id, {}, undefined, editor());
      const renamed = await admin().update(article.id, { slug: newSlug }, undefined, editor());
      expect(renamed.slug).toBe(newSlug);
      expect(await admin().previousSlugs(article.id)).toEqual([oldSlug]);
      expect(await reader().findBySlug(oldSlug)).toEqual({ movedTo: newSlug });

      const claimant = await draft({ slug: oldSlug });
      expect(claimant.slug).toBe(oldSlug);
      expect(await admin().previousSlugs(article.id)).toEqual([]);
      // The claimant is a draft: the old slug now answers nothing, not the first article.
      expect((await refusal(reader().findBySlug(oldSlug))).code).toBe('not_found');
      await admin().publish(claimant.id, {}, undefined, editor());
      expect(await reader().findBySlug(oldSlug)).toEqual({ article: expect.objectContaining({ id: claimant.id }) });
    });

    it('never derives a slug an article has or had, and refuses a rename to another article’s slug', async () => {
      const title = `Quiet Mornings ${randomBytes(4).toString('hex')}`;
      const first = await admin().create(request({ title }), editor());
      const renamed = uniqueSlug('renamed');
      await admin().update(first.id, { slug: renamed }, undefined, editor());
      // `first.slug` is now an old slug of `first`: a new article with the same title does not get it.
      const second = await admin().create(request({ title }), editor());
      expect(second.slug).toBe(`${first.slug}-2`);

      const error = await refusal(admin().update(second.id, { slug: renamed }, undefined, editor()));
      expect({ code: error.code, errors: error.options.errors }).toEqual({
        code: 'conflict',
        errors: [{ field: 'slug', message: 'slug is already used by another article' }],
      });
      expect(await stored(second.id)).toMatchObject({ slug: second.slug, version: 1 });
      expect(await admin().previousSlugs(second.id)).toEqual([]);
    });

    it('lets an article take back its own old slug', async () => {
      const original = uniqueSlug('original');
      const article = await draft({ slug: original });
      const interim = uniqueSlug('interim');
      await admin().update(article.id, { slug: interim }, undefined, editor());
      await admin().update(article.id, { slug: original }, undefined, editor());
      expect(await stored(article.id)).toMatchObject({ slug: original, version: 3 });
      expect(await admin().previousSlugs(article.id)).toEqual([interim]);
    });
  });

  describeConcurrently('concurrent writers', () => {
    it('lets one of two changes with the same If-Match win; the other gets 412', async () => {
      const article = await draft();
      // Both transactions are open and about to lock the row when either locks it.
      const bothReady = barrier(2);
      const lock = repository().findForUpdate.bind(repository());
      jest.spyOn(repository(), 'findForUpdate').mockImplementation(async (id, manager) => {
        await bothReady();
        return lock(id, manager);
      });

      const results = await Promise.allSettled([
        admin().update(article.id, { title: 'First Writer' }, '"v1"', editor()),
        admin().update(article.id, { title: 'Second Writer' }, '"v1"', editor()),
      ]);

      const won = results.filter((r) => r.status === 'fulfilled');
      const lost = results.filter((r) => r.status === 'rejected');
      expect(won).toHaveLength(1);
      expect(lost).toHaveLength(1);
      const error = lost[0].reason as AppException;
      expect(error).toBeInstanceOf(AppException);
      expect({ code: error.code, status: error.status }).toEqual({ code: 'precondition_failed', status: 412 });
      expect(await stored(article.id)).toMatchObject({ version: 2, title: won[0].value.title });
      expect(await revisionsOf(article.id)).toEqual([
        { version: 2, action: 'updated' },
        { version: 1, action: 'created' },
      ]);
      expect((await auditOf(article.id)).map((e) => e.action)).toEqual(['article.created', 'article.updated']);
    });

    it('lets one of two creates claiming the same slug at once win; the unique index makes the other a 409', async () => {
      const slug = uniqueSlug('contested');
      // Both have checked that no article has the slug before either inserts: only the unique index can decide.
      const bothClaimed = barrier(2);
      const claim = repository().claimSlug.bind(repository());
      jest.spyOn(repository(), 'claimSlug').mockImplementation(async (s, manager) => {
        const free = await claim(s, manager);
        await bothClaimed();
        return free;
      });

      const results = await Promise.allSettled([
        admin().create(request({ slug, title: 'First Claim' }), editor()),
        admin().create(request({ slug, title: 'Second Claim' }), editor()),
      ]);

      expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
      const lost = results.find((r): r is PromiseRejectedResult => r.status === 'rejected')!;
      expect(lost.reason).toBeInstanceOf(AppException);
      const error = lost.reason as AppException;
      expect({ code: error.code, status: error.status, errors: error.options.errors }).toEqual({
        code: 'conflict',
        status: 409,
        errors: [{ field: 'slug', message: 'slug is already used by another article' }],
      });
      const won = (results.find((r) => r.status === 'fulfilled') as PromiseFulfilledResult<Article>).value;
      expect(await stored(won.id)).toMatchObject({ slug, version: 1 });
      const created = await app()
        .app.get(DataSource)
        .getRepository(AuditEvent)
        .find({ where: { action: 'article.created' } });
      expect(created.filter((e) => (e.metadata as { slug?: string }).slug === slug)).toHaveLength(1);
    });
  });

  describe('all or nothing', () => {
    it('rolls back the version bump, rename, revision and audit event together when a later step fails', async () => {
      const article = await draft();
      const oldSlug = article.slug;
      const revisionsBefore = await revisionsOf(article.id);
      const auditBefore = await auditOf(article.id);
      // The last step of a change: the revision is written (after the save and the audit event), then it fails.
      const insert = repository().insertRevision.bind(repository());
      jest.spyOn(repository(), 'insertRevision').mockImplementationOnce(async (revision, manager) => {
        await insert(revision, manager);
        throw new Error('the disk is full');
      });

      await expect(
        admin().update(article.id, { title: 'Never Saved', slug: uniqueSlug('never') }, '"v1"', editor()),
      ).rejects.toThrow('the disk is full');

      expect(await stored(article.id)).toMatchObject({ version: 1, title: article.title, slug: oldSlug });
      expect(await revisionsOf(article.id)).toEqual(revisionsBefore);
      expect(await auditOf(article.id)).toEqual(auditBefore);
      expect(await admin().previousSlugs(article.id)).toEqual([]);
      // And the next change is version 2, as if the failed one never happened.
      expect((await admin().update(article.id, { title: 'Saved' }, '"v1"', editor())).version).toBe(2);
    });

    it('rolls back a create whose last step fails: no article, no audit event, the slug still free', async () => {
      const slug = uniqueSlug('unrecorded');
      const writes = repository();
      const insert = writes.insertRevision.bind(writes);
      let articleId: string | undefined;
      jest.spyOn(writes, 'insertRevision').mockImplementationOnce(async (revision, manager) => {
        articleId = revision.articleId;
        await insert(revision, manager);
        throw new Error('the disk is full');
      });
      await expect(admin().create(request({ slug }), editor())).rejects.toThrow('the disk is full');
      expect(articleId).toBeDefined();
      expect(await repository().findById(articleId!)).toBeNull();
      expect(await auditOf(articleId!)).toEqual([]);
      // Its slug was never taken.
      expect((await admin().create(request({ slug }), editor())).slug).toBe(slug);
    });
  });
});
