import { Controller, HttpCode, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '../common/access/decorators.js';
import { ApiProblems } from '../common/openapi/api-problems.js';
import { UuidParam } from '../common/validation/decorators.js';
import { ArticlePreviewsService } from './article-previews.service.js';
import { ARTICLES_PATH } from './articles.controller.js';
import { ArticlePreviewTokenResponse } from './dto/article-preview.dto.js';

/** Preview links for drafts: what editors share before an article goes live. */
@ApiTags('articles')
@Roles('editor')
@Controller('admin/articles')
export class AdminArticlePreviewsController {
  constructor(private readonly previews: ArticlePreviewsService) {}

  /**
   * Any status. The token is read-only and shows this one article at its public URL (`preview` on `getArticle`) until
   * `expiresAt` (ARTICLE_PREVIEW_TTL_MINUTES, default 60) or until the article is published, unpublished, archived,
   * goes live as scheduled, or is deleted, whichever comes first. Nothing is stored: ask for a new one at any time.
   */
  @Post(':id/preview-token')
  @HttpCode(200)
  @ApiOperation({ operationId: 'createArticlePreviewToken', summary: 'A signed, expiring preview token' })
  @ApiOkResponse({ type: ArticlePreviewTokenResponse })
  @ApiProblems('validation_failed', 'not_found')
  async create(@UuidParam('id') id: string): Promise<ArticlePreviewTokenResponse> {
    const { token, expiresAt, slug } = await this.previews.issue(id);
    return {
      token,
      expiresAt: expiresAt.toISOString(),
      url: `${ARTICLES_PATH}/${slug}?preview=${encodeURIComponent(token)}`,
    };
  }
}
