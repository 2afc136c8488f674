import './media.problems.js';
import { Body, Controller, Delete, Get, HttpCode, Patch, Post, Query, Req } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import { ApiBody, ApiConsumes, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { Audit, Roles } from '../common/access/decorators.js';
import type { AuditContext } from '../common/audit/audit-log.js';
import { ApiIfMatch, IfMatch } from '../common/http/if-match.js';
import { Created } from '../common/http/response-headers.js';
import { ApiProblems } from '../common/openapi/api-problems.js';
import { ApiPageResponse, mapPage, type Page, PaginationQueryDto } from '../common/pagination/pagination.js';
import { UuidParam } from '../common/validation/decorators.js';
import { AppConfig } from '../config/app-config.js';
import { UpdateMediaRequest, UploadMediaForm } from './dto/media.requests.js';
import { mapMedia, MediaDetailResponse, MediaResponse } from './dto/media.responses.js';
import { MULTIPART_ROUTE } from './media-files.route.js';
import { readUpload } from './media-upload.js';
import { MediaService } from './media.service.js';

/** The media library. Every single-item response carries its ETag. */
@ApiTags('media')
@Roles('editor')
@Controller('admin/media')
export class AdminMediaController {
  constructor(
    private readonly media: MediaService,
    private readonly config: AppConfig,
  ) {}

  private map(item: Parameters<typeof mapMedia>[0]): MediaResponse {
    return mapMedia(item, this.config.media.baseUrl);
  }

  /** Newest first. */
  @Get()
  @ApiOperation({ operationId: 'listMedia', summary: 'Media items' })
  @ApiPageResponse(MediaResponse)
  @ApiProblems('validation_failed')
  async list(@Query() query: PaginationQueryDto): Promise<Page<MediaResponse>> {
    return mapPage(await this.media.list(query), (item) => this.map(item));
  }

  /**
   * `multipart/form-data` with one `file` part and an `alt` field. The format is recognised from the bytes: a PNG
   * named `photo.jpg` is stored as a PNG, and a file that is no JPEG, PNG, WebP or AVIF image (whatever its name or
   * declared type) is 415. Over 10 MB is 413; over 50 megapixels (a decompression bomb) or an unreadable image is 400.
   * The image is turned upright and stripped of every metadata block (EXIF with GPS position and camera serials, XMP,
   * IPTC, ICC after conversion to sRGB), then made into variants 320, 640, 1280 and 1920 px wide (never wider than
   * the upload) in AVIF, WebP and JPEG, served at `/media/<hash>/<width>.<ext>` with a year of immutable caching.
   */
  @Post()
  @RouteConfig({ [MULTIPART_ROUTE]: true })
  @ApiConsumes('multipart/form-data')
  @ApiBody({ type: UploadMediaForm })
  @ApiOperation({ operationId: 'uploadMedia', summary: 'Upload an image' })
  @Created(MediaResponse, '/api/v1/admin/media/{id}')
  @ApiProblems('validation_failed', 'payload_too_large', 'unsupported_media_type')
  async upload(@Req() request: FastifyRequest, @Audit() ctx: AuditContext): Promise<MediaResponse> {
    return this.map(await this.media.upload(() => readUpload(request), ctx));
  }

  /** With `usages`: the records that show it (an article's slug under `articles`). */
  @Get(':id')
  @ApiOperation({ operationId: 'getMedia', summary: 'One media item and where it is used' })
  @ApiOkResponse({ type: MediaDetailResponse })
  @ApiProblems('validation_failed', 'not_found')
  async get(@UuidParam('id') id: string): Promise<MediaDetailResponse> {
    const { item, usages } = await this.media.getWithUsages(id);
    return { ...this.map(item), usages };
  }

  /** Changes the alt text (records that show the item without an alt of their own show the new one). */
  @Patch(':id')
  @ApiIfMatch('media item')
  @ApiOperation({ operationId: 'updateMedia', summary: 'Edit the alt text' })
  @ApiOkResponse({ type: MediaResponse })
  @ApiProblems('validation_failed', 'not_found', 'precondition_failed')
  async update(
    @UuidParam('id') id: string,
    @Body() body: UpdateMediaRequest,
    @IfMatch() ifMatch: string | undefined,
    @Audit() ctx: AuditContext,
  ): Promise<MediaResponse> {
    return this.map(await this.media.update(id, body, ifMatch, ctx));
  }

  /**
   * 409 `media_in_use` while a record shows it, with `usages` naming them by kind (`{"articles": ["slug"]}`). Its
   * files are removed with the last item that has them; their URLs then answer 404.
   */
  @Delete(':id')
  @HttpCode(204)
  @ApiIfMatch('media item')
  @ApiOperation({ operationId: 'deleteMedia', summary: 'Delete a media item and its files' })
  @ApiNoContentResponse({ description: 'Deleted.' })
  @ApiProblems('validation_failed', 'not_found', 'precondition_failed', 'media_in_use')
  async remove(
    @UuidParam('id') id: string,
    @IfMatch() ifMatch: string | undefined,
    @Audit() ctx: AuditContext,
  ): Promise<void> {
    await this.media.remove(id, ifMatch, ctx);
  }
}
