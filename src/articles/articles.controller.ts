import { Controller, Get, Header, Query, Res } from '@nestjs/common';
import {
  ApiMovedPermanentlyResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiProduces,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Public } from '../common/access/decorators.js';
import { itemTag, pageItemTags, PublicCache } from '../common/http/caching/index.js';
import { ApiProblems } from '../common/openapi/api-problems.js';
import { ApiPageResponse, type Page, PaginationQueryDto, toPage } from '../common/pagination/pagination.js';
import { SlugParam } from '../common/validation/decorators.js';
import { AppConfig } from '../config/app-config.js';
import { ArticlePreviewsService } from './article-previews.service.js';
import { ARTICLES_CACHE_TAG, ArticlesService } from './articles.service.js';
import { ArticleDetailQuery } from './dto/article-preview.dto.js';
import {
  ListArticlesQuery,
  MAX_SLUG_LENGTH,
  PractitionerArticlesQuery,
  RelatedArticlesQuery,
} from './dto/article.requests.js';
import {
  ArticlePageMeta,
  ArticleResponse,
  ArticleSummaryResponse,
  mapArticle,
  mapSummary,
  TagCountResponse,
} from './dto/article.responses.js';
import { articlesRss } from './rss.js';

const SLUG_PARAM = { name: 'slug', example: 'being-kind-to-yourself', description: 'The article’s slug.' };
export const ARTICLES_PATH = '/api/v1/articles';

/** The blog as the public website reads it: live articles only, cacheable. */
@ApiTags('articles')
@Public()
@Controller()
export class ArticlesController {
  constructor(
    private readonly articles: ArticlesService,
    private readonly previews: ArticlePreviewsService,
    private readonly config: AppConfig,
  ) {}

  /**
   * Live only: a scheduled article appears once its `publishedAt` passes. With `q`, best match first unless `sort`
   * says otherwise (title matches first; in each group the 100 newest matches by rank, then the older ones newest
   * first), each item has a `highlight`, and `meta.total` counts up to 10,000 (`meta.totalIsLowerBound` beyond).
   * For deep pages send `meta.nextCursor` as `cursor` instead of `page` (not when sorting by relevance).
   * Cacheable: `ETag`, and 304 on `If-None-Match`.
   */
  @Get('articles')
  @PublicCache({ serverCacheTag: ARTICLES_CACHE_TAG, contentTags: pageItemTags('article') })
  @ApiOperation({
    operationId: 'listArticles',
    summary: 'Published articles (summaries, no body), newest first; filter by tag, search with q',
  })
  @ApiPageResponse(ArticleSummaryResponse, undefined, ArticlePageMeta)
  @ApiProblems('validation_failed')
  async list(@Query() query: ListArticlesQuery): Promise<{ data: ArticleSummaryResponse[]; meta: ArticlePageMeta }> {
    const list = await this.articles.list(query);
    const page = toPage(
      list.items.map(({ article, highlight }) => mapSummary(article, highlight)),
      list.total,
      { page: list.page, pageSize: query.pageSize },
    );
    return {
      data: page.data,
      meta: {
        ...page.meta,
        ...(list.totalIsLowerBound ? { totalIsLowerBound: true } : {}),
        nextCursor: list.nextCursor,
      },
    };
  }

  /**
   * Live articles only; each item has the title, excerpt, tags (as categories) and a link to the public website. The
   * bytes, and so the `ETag`, change only when its articles do. Takes no query parameters.
   */
  @Get('articles/feed.xml')
  @PublicCache({ serverCacheTag: ARTICLES_CACHE_TAG })
  @Header('content-type', 'application/rss+xml; charset=utf-8')
  @ApiOperation({ operationId: 'articlesFeed', summary: 'RSS 2.0 feed of the 20 newest published articles' })
  @ApiProduces('application/rss+xml')
  @ApiOkResponse({
    description: 'RSS 2.0 XML; links point at PUBLIC_SITE_URL.',
    schema: {
      type: 'string',
      example:
        '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel><title>Well Clinic</title>…</channel></rss>',
    },
  })
  @ApiProblems('validation_failed')
  async feed(): Promise<string> {
    return articlesRss(
      await this.articles.feed(),
      this.config.publicSiteUrl,
      `${this.config.publicSiteUrl}${ARTICLES_PATH}/feed.xml`,
    );
  }

  /**
   * An old slug of a renamed article answers 301 with the current address in `Location`. With `preview`, the article
   * its token was made for, in any status, private (`no-store`, `X-Robots-Tag: noindex`); an invalid token is 401.
   */
  @Get('articles/:slug')
  @PublicCache({ serverCacheTag: ARTICLES_CACHE_TAG, contentTags: itemTag('article', 'id') })
  @ApiParam(SLUG_PARAM)
  @ApiOperation({
    operationId: 'getArticle',
    summary: 'One published article with its body, HTML, contents and JSON-LD (any status with a preview token)',
  })
  @ApiOkResponse({ type: ArticleResponse })
  @ApiMovedPermanentlyResponse({ description: 'Renamed: `Location` is the article’s current URL.' })
  @ApiProblems('validation_failed', 'unauthorized', 'not_found')
  async get(
    @SlugParam('slug', MAX_SLUG_LENGTH) slug: string,
    @Query() query: ArticleDetailQuery,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ArticleResponse | undefined> {
    if (query.preview !== undefined) return this.preview(slug, query.preview, reply);
    const found = await this.articles.findBySlug(slug);
    if ('movedTo' in found) {
      void reply.status(301).header('location', `${ARTICLES_PATH}/${found.movedTo}`);
      return undefined;
    }
    return mapArticle(found.article, this.config.publicSiteUrl);
  }

  /** The response cache never sees a preview (see private-requests.ts); the headers say so to everyone else. */
  private async preview(slug: string, token: string, reply: FastifyReply): Promise<ArticleResponse | undefined> {
    const found = await this.previews.read(slug, token);
    void reply.header('cache-control', 'no-store').header('x-robots-tag', 'noindex');
    if ('movedTo' in found) {
      void reply
        .status(301)
        .header('location', `${ARTICLES_PATH}/${found.movedTo}?preview=${encodeURIComponent(token)}`);
      return undefined;
    }
    return mapArticle(found.article, this.config.publicSiteUrl);
  }

  /**
   * At most `limit` (default 3, up to 10), never the article itself, and none when it has no tags. `meta.total`
   * counts every article sharing a tag, but there is no `page`. An old slug of a renamed article answers 301 to the
   * current slug's related articles (with the same `limit`).
   */
  @Get('articles/:slug/related')
  @PublicCache({ serverCacheTag: ARTICLES_CACHE_TAG, contentTags: pageItemTags('article') })
  @ApiParam(SLUG_PARAM)
  @ApiOperation({
    operationId: 'listRelatedArticles',
    summary: 'Published articles sharing the most tags with this one, newest first',
  })
  @ApiPageResponse(ArticleSummaryResponse)
  @ApiMovedPermanentlyResponse({ description: 'Renamed: `Location` is the related articles of its current slug.' })
  @ApiProblems('validation_failed', 'not_found')
  async related(
    @SlugParam('slug', MAX_SLUG_LENGTH) slug: string,
    @Query() query: RelatedArticlesQuery,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Page<ArticleSummaryResponse> | undefined> {
    const found = await this.articles.related(slug, query.limit);
    if ('movedTo' in found) {
      void reply.status(301).header('location', `${ARTICLES_PATH}/${found.movedTo}/related?limit=${query.limit}`);
      return undefined;
    }
    const { items, total } = found;
    return toPage(
      items.map((a) => mapSummary(a)),
      total,
      { page: 1, pageSize: query.limit },
    );
  }

  /**
   * The live articles whose author is this practitioner (linked, not by name), newest first, optionally one tag's;
   * for deep pages send `meta.nextCursor` as `cursor` instead of `page`. A hidden or unknown practitioner is 404; an
   * old slug of a renamed one answers 301 to the current slug's articles (same query). Cacheable: `ETag`, and 304 on
   * `If-None-Match`. Kept in the server's response cache with the other article reads: article and practitioner writes
   * both clear it.
   */
  @Get('practitioners/:slug/articles')
  @PublicCache({ serverCacheTag: ARTICLES_CACHE_TAG, contentTags: pageItemTags('article') })
  @ApiParam({ name: 'slug', example: 'elena-marsh', description: 'The practitioner’s slug.' })
  @ApiOperation({
    operationId: 'listPractitionerArticles',
    summary: 'A published practitioner’s published articles (summaries, no body), newest first',
  })
  @ApiPageResponse(ArticleSummaryResponse, undefined, ArticlePageMeta)
  @ApiMovedPermanentlyResponse({ description: 'Renamed: `Location` is the articles of their current slug.' })
  @ApiProblems('validation_failed', 'not_found')
  async byPractitioner(
    @SlugParam('slug', MAX_SLUG_LENGTH) slug: string,
    @Query() query: PractitionerArticlesQuery,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<{ data: ArticleSummaryResponse[]; meta: ArticlePageMeta } | undefined> {
    const found = await this.articles.byPractitioner(slug, query);
    if ('movedTo' in found) {
      const search = reply.request.url.includes('?') ? reply.request.url.slice(reply.request.url.indexOf('?')) : '';
      void reply.status(301).header('location', `/api/v1/practitioners/${found.movedTo}/articles${search}`);
      return undefined;
    }
    const { list } = found;
    const page = toPage(
      list.items.map(({ article }) => mapSummary(article)),
      list.total,
      { page: list.page, pageSize: query.pageSize },
    );
    return { data: page.data, meta: { ...page.meta, nextCursor: list.nextCursor } };
  }

  /**
   * Counts live articles only: tags used only by drafts, archived or scheduled articles are absent. Equal counts are
   * in alphabetical order. Cacheable: `ETag`, and 304 on `If-None-Match`.
   */
  @Get('tags')
  @PublicCache({ serverCacheTag: ARTICLES_CACHE_TAG })
  @ApiOperation({
    operationId: 'listTags',
    summary: 'Tags of published articles with how many use each, most used first',
  })
  @ApiPageResponse(TagCountResponse)
  @ApiProblems('validation_failed')
  async tags(@Query() query: PaginationQueryDto): Promise<Page<TagCountResponse>> {
    const { items, total } = await this.articles.tags(query.page, query.pageSize);
    return toPage(items, total, query);
  }
}
