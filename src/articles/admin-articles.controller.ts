import { Body, Controller, Delete, Get, HttpCode, Patch, Post, Query, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { AuditContext } from '../audit/audit.service.js';
import { Audit, Roles } from '../auth/decorators.js';
import { Clock } from '../common/clock/clock.js';
import { ApiIfMatch, IfMatch, versionEtag } from '../common/http/if-match.js';
import { ApiProblems } from '../common/openapi/api-problems.js';
import { ApiPageResponse, mapPage, type Page, PaginationQueryDto } from '../common/pagination/pagination.js';
import { UuidParam } from '../common/validation/decorators.js';
import { AppConfig } from '../config/app-config.js';
import { AdminArticlesService } from './admin-articles.service.js';
import type { Article } from './article.entity.js';
import {
  AdminListArticlesQuery,
  CreateArticleRequest,
  PublishArticleRequest,
  UpdateArticleRequest,
} from './dto/article.requests.js';
import {
  AdminArticleResponse,
  AdminArticleSummaryResponse,
  ArticleRevisionResponse,
  mapAdminArticle,
  mapAdminSummary,
  mapRevision,
} from './dto/article.responses.js';
import { LOCATION_HEADER } from '../common/openapi/complete-document.js';

/** Drafting, editing and publishing articles. Every response with one article carries its ETag. */
@ApiTags('articles')
@Roles('editor')
@Controller('admin/articles')
export class AdminArticlesController {
  constructor(
    private readonly articles: AdminArticlesService,
    private readonly clock: Clock,
    private readonly config: AppConfig,
  ) {}

  private async respond(article: Article, reply: FastifyReply): Promise<AdminArticleResponse> {
    const previousSlugs = await this.articles.previousSlugs(article.id);
    void reply.header('etag', versionEtag(article.version));
    return mapAdminArticle(article, previousSlugs, this.clock.now(), this.config.publicSiteUrl);
  }

  /**
   * Filter by `status`, `tag` and `q`. Default order: last updated first, or best match first with `q` (which also
   * gives each item a `highlight`). `scheduled` marks published articles whose `publishedAt` is still ahead.
   */
  @Get()
  @ApiOperation({ operationId: 'adminListArticles', summary: 'Articles in every status (summaries, no body)' })
  @ApiPageResponse(AdminArticleSummaryResponse)
  @ApiProblems('validation_failed')
  async list(@Query() query: AdminListArticlesQuery): Promise<Page<AdminArticleSummaryResponse>> {
    const now = this.clock.now();
    return mapPage(await this.articles.list(query), ({ article, highlight }) =>
      mapAdminSummary(article, now, highlight),
    );
  }

  /** Creates a draft. */
  @Post()
  @ApiOperation({ operationId: 'createArticle', summary: 'Create a draft article' })
  @ApiCreatedResponse({ type: AdminArticleResponse, headers: LOCATION_HEADER })
  @ApiProblems('validation_failed', 'conflict')
  async create(
    @Body() body: CreateArticleRequest,
    @Audit() ctx: AuditContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<AdminArticleResponse> {
    const article = await this.articles.create(body, ctx);
    void reply.header('location', `/api/v1/admin/articles/${article.id}`);
    return this.respond(article, reply);
  }

  /** Never cached (`no-store`). Its `ETag` (`"v<version>"`) is what `If-Match` expects on later changes. */
  @Get(':id')
  @ApiOperation({ operationId: 'adminGetArticle', summary: 'One article in any status' })
  @ApiOkResponse({ type: AdminArticleResponse })
  @ApiProblems('validation_failed', 'not_found')
  async get(
    @UuidParam('id') id: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<AdminArticleResponse> {
    return this.respond(await this.articles.get(id), reply);
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
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<AdminArticleResponse> {
    return this.respond(await this.articles.update(id, body, ifMatch, ctx), reply);
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
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<AdminArticleResponse> {
    return this.respond(await this.articles.publish(id, body, ifMatch, ctx), reply);
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
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<AdminArticleResponse> {
    return this.respond(await this.articles.unpublish(id, ifMatch, ctx), reply);
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
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<AdminArticleResponse> {
    return this.respond(await this.articles.archive(id, ifMatch, ctx), reply);
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
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<AdminArticleResponse> {
    return this.respond(await this.articles.restore(id, revisionId, ifMatch, ctx), reply);
  }
}
