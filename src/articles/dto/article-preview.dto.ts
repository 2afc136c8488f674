import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsString, Matches, MaxLength, ValidateIf } from 'class-validator';

/** A JWS in compact form: three base64url parts. What is inside is the token service's to judge. */
const PREVIEW_TOKEN_PATTERN = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
const MAX_PREVIEW_TOKEN_LENGTH = 2048;

export class ArticleDetailQuery {
  /**
   * A token from `POST /api/v1/admin/articles/{id}/preview-token`: shows that article whatever its status (a draft, a
   * scheduled one), with `Cache-Control: no-store` and `X-Robots-Tag: noindex`, never from or into a cache. A token
   * that is expired, for another article, or made before the article's status last changed is 401.
   */
  @Matches(PREVIEW_TOKEN_PATTERN, { message: ({ property }) => `${property} must be a preview token` })
  @MaxLength(MAX_PREVIEW_TOKEN_LENGTH)
  @IsString()
  @ValidateIf((_, value) => value !== undefined)
  @ApiPropertyOptional({ type: String, maxLength: MAX_PREVIEW_TOKEN_LENGTH, pattern: PREVIEW_TOKEN_PATTERN.source })
  readonly preview?: string;
}

export class ArticlePreviewTokenResponse {
  /** Send it as `preview` to `GET /api/v1/articles/{slug}`. Anyone holding it can read the article: share it as such. */
  @ApiProperty({ example: 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiI…In0.Q2xpbmlj…' })
  readonly token!: string;

  /** ARTICLE_PREVIEW_TTL_MINUTES after it was made; it also stops working as soon as the article's status changes. */
  @ApiProperty({ format: 'date-time' })
  readonly expiresAt!: string;

  /** The article's public API URL with the token: `/api/v1/articles/{slug}?preview=<token>`. */
  @ApiProperty({ example: '/api/v1/articles/being-kind-to-yourself?preview=eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9…' })
  readonly url!: string;
}
