import { Body, Controller, Delete, Get, HttpCode, Patch, Post, Query } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AuditContext } from '../common/audit/audit-log.js';
import { Audit, Roles } from '../common/access/decorators.js';
import { Clock } from '../common/clock/clock.js';
import { ApiIfMatch, IfMatch } from '../common/http/if-match.js';
import { Created } from '../common/http/response-headers.js';
import { ApiProblems } from '../common/openapi/api-problems.js';
import { ApiPageResponse, mapPage, type Page, PaginationQueryDto } from '../common/pagination/pagination.js';
import { UuidParam } from '../common/validation/decorators.js';
import { AppConfig } from '../config/app-config.js';
import {
  ApiEvents,
  ARTICLE_ARCHIVED,
  ARTICLE_DELETED,
  ARTICLE_PUBLISHED,
  ARTICLE_UNPUBLISHED,
  ARTICLE_UPDATED,
} from '../notifications/index.js';
import { AdminArticlesService } from './admin-articles.service.js';
import type { Article } from './article.entity.js';
import {
  AdminListArticlesQuery,
  CreateArticleRequest,
  PublishArticleRequest,
  UpdateArticleRequest,
} from './dto/article.requests.js';
import {
  AdminArticlePageMeta,
  AdminArticleResponse,
  AdminArticleSummaryResponse,
  ArticleRevisionResponse,
  mapAdminArticle,
  mapAdminSummary,
  mapRevision,
} from './dto/article.responses.js';

/** Drafting, editing and publishing articles. Every response with one article carries its ETag. */
@ApiTags('articles')
@ApiEvents(ARTICLE_PUBLISHED, ARTICLE_UPDATED, ARTICLE_UNPUBLISHED, ARTICLE_ARCHIVED, ARTICLE_DELETED)
@Roles('editor')
@Controller('admin/articles')
export class AdminArticlesController {
  constructor(
    private readonly articles: AdminArticlesService,
    private readonly clock: Clock,
    private readonly config: AppConfig,
  ) {}

  private async respond(article: Article): Promise<AdminArticleResponse> {
    const previousSlugs = await this.articles.previousSlugs(article.id);
    const shown = await this.articles.withCover(article);
    return mapAdminArticle(shown, previousSlugs, this.clock.now(), this.config.publicSiteUrl);
  }

  /**
   * Filter by `status`, `tag` and `q`. Default order: last updated first, or best match first with `q` (which also
   * gives each item a `highlight`, and counts up to 10,000 matches: `meta.totalIsLowerBound` beyond). `scheduled`
   * marks published articles whose `publishedAt` is still ahead.
   */
  @Get()
  @ApiOperation({ operationId: 'adminListArticles', summary: 'Articles in every status (summaries, no body)' })
  @ApiPageResponse(AdminArticleSummaryResponse, undefined, AdminArticlePageMeta)
  @ApiProblems('validation_failed')
  async list(
    @Query() query: AdminListArticlesQuery,
  ): Promise<{ data: AdminArticleSummaryResponse[]; meta: AdminArticlePageMeta }> {
    const now = this.clock.now();
    return mapPage(await this.articles.list(query), ({ article, highlight }) =>
      mapAdminSummary(article, now, highlight),
    );
  }

  /** Creates a draft. */
  @Post()
  @ApiOperation({ operationId: 'createArticle', summary: 'Create a draft article' })
  @Created(AdminArticleResponse, '/api/v1/admin/articles/{id}')
  @ApiProblems('validation_failed', 'conflict')
  async create(@Body() body: CreateArticleRequest, @Audit() ctx: AuditContext): Promise<AdminArticleResponse> {
    return this.respond(await this.articles.create(body, ctx));
  }

  /** Never cached (`no-store`). Its `ETag` (`"v<version>"`) is what `If-Match` expects on later changes. */
  @Get(':id')
  @ApiOperation({ operationId: 'adminGetArticle', summary: 'One article in any status' })
  @ApiOkResponse({ type: AdminArticleResponse })
  @ApiProblems('validation_failed', 'not_found')
  async get(@UuidParam('id') id: string): Promise<AdminArticleResponse> {
    return this.respond(await this.articles.get(id));
  }

  /** Changes the fields sent. A new slug keeps the old one working as a redirect. */
  @Patch(':id')
  @ApiIfMatch('article')
  @ApiOperation({ operationId: 'updateArticle', summary: 'Edit an article' })
  @ApiOkResponse({ type: AdminArticleResponse })
  @ApiProblems('validation_failed', 'not_found', 'conflict', 'precondition_failed')
  async update(
    @UuidParam('id') id: string,
    @Body() body: UpdateArticleRequest,
    @IfMatch() ifMatch: string | undefined,
    @Audit() ctx: AuditContext,
  ): Promise<AdminArticleResponse> {
    return this.respond(await this.articles.update(id, body, ifMatch, ctx));
  }

  /**
   * Any status, published included: its URL and old slugs answer 404 afterwards, and its slug is free again. It
   * cannot be undone; the audit log keeps an `article.deleted` event. Without `If-Match` the delete is unconditional.
   */
  @Delete(':id')
  @HttpCode(204)
  @ApiIfMatch('article')
  @ApiOperation({ operationId: 'deleteArticle', summary: 'Delete an article with its revisions and redirects' })
  @ApiNoContentResponse({ description: 'Deleted.' })
  @ApiProblems('validation_failed', 'not_found', 'precondition_failed')
  async remove(
    @UuidParam('id') id: string,
    @IfMatch() ifMatch: string | undefined,
    @Audit() ctx: AuditContext,
  ): Promise<void> {
    await this.articles.remove(id, ifMatch, ctx);
  }

  /** From draft or archived. `publishedAt` in the future schedules it; the body must not be empty. */
  @Post(':id/publish')
  @HttpCode(200)
  @ApiIfMatch('article')
  @ApiOperation({ operationId: 'publishArticle', summary: 'Publish now, or schedule' })
  @ApiOkResponse({ type: AdminArticleResponse })
  @ApiProblems('validation_failed', 'not_found', 'invalid_transition', 'precondition_failed')
  async publish(
    @UuidParam('id') id: string,
    @Body() body: PublishArticleRequest,
    @IfMatch() ifMatch: string | undefined,
    @Audit() ctx: AuditContext,
  ): Promise<AdminArticleResponse> {
    return this.respond(await this.articles.publish(id, body, ifMatch, ctx));
  }

  /** A published (or scheduled) article goes back to draft. */
  @Post(':id/unpublish')
  @HttpCode(200)
  @ApiIfMatch('article')
  @ApiOperation({ operationId: 'unpublishArticle', summary: 'Back to draft' })
  @ApiOkResponse({ type: AdminArticleResponse })
  @ApiProblems('validation_failed', 'not_found', 'invalid_transition', 'precondition_failed')
  async unpublish(
    @UuidParam('id') id: string,
    @IfMatch() ifMatch: string | undefined,
    @Audit() ctx: AuditContext,
  ): Promise<AdminArticleResponse> {
    return this.respond(await this.articles.unpublish(id, ifMatch, ctx));
  }

  /**
   * From draft or published (scheduled included); an archived one is 409 `invalid_transition`. Its public URL then
   * answers 404 and `publishedAt` is kept; it can be published again later. Records a revision and an audit event.
   */
  @Post(':id/archive')
  @HttpCode(200)
  @ApiIfMatch('article')
  @ApiOperation({ operationId: 'archiveArticle', summary: 'Archive (off the public site, kept for the record)' })
  @ApiOkResponse({ type: AdminArticleResponse })
  @ApiProblems('validation_failed', 'not_found', 'invalid_transition', 'precondition_failed')
  async archive(
    @UuidParam('id') id: string,
    @IfMatch() ifMatch: string | undefined,
    @Audit() ctx: AuditContext,
  ): Promise<AdminArticleResponse> {
    return this.respond(await this.articles.archive(id, ifMatch, ctx));
  }

  /**
   * One per saved change (created, updated, published, unpublished, archived, restored): who made it and the editable
   * fields as they then stood, without status or `publishedAt`. Restore one by its `id`.
   */
  @Get(':id/revisions')
  @ApiOperation({ operationId: 'listArticleRevisions', summary: 'Every saved state of an article, newest first' })
  @ApiPageResponse(ArticleRevisionResponse)
  @ApiProblems('validation_failed', 'not_found')
  async revisions(
    @UuidParam('id') id: string,
    @Query() query: PaginationQueryDto,
  ): Promise<Page<ArticleRevisionResponse>> {
    return mapPage(await this.articles.revisions(id, query), mapRevision);
  }

  /** The revision's editable fields become current again as a new version; nothing is lost. */
  @Post(':id/revisions/:revisionId/restore')
  @HttpCode(200)
  @ApiIfMatch('article')
  @ApiOperation({ operationId: 'restoreArticleRevision', summary: 'Restore a revision' })
  @ApiOkResponse({ type: AdminArticleResponse })
  @ApiProblems('validation_failed', 'not_found', 'conflict', 'precondition_failed')
  async restore(
    @UuidParam('id') id: string,
    @UuidParam('revisionId') revisionId: string,
    @IfMatch() ifMatch: string | undefined,
    @Audit() ctx: AuditContext,
  ): Promise<AdminArticleResponse> {
    return this.respond(await this.articles.restore(id, revisionId, ifMatch, ctx));
  }
}
