import { ArrayMaxSize, ArrayMinSize } from 'class-validator';
import { IsInstant, IsOneOf, IsText } from '../../common/validation/decorators.js';
import { API_KEY_SCOPES, type ApiKeyScope } from '../../common/access/scopes.js';

export class CreateApiKeyRequest {
  /** What the key is for, e.g. the partner's name. */
  @IsText({ max: 100, example: 'Partner directory widget' })
  readonly name!: string;

  @ArrayMaxSize(API_KEY_SCOPES.length)
  @ArrayMinSize(1)
  @IsOneOf(API_KEY_SCOPES, {
    enumName: 'ApiKeyScope',
    each: true,
    example: ['testimonials:read'],
    description:
      'What the key may do: read a feed (`testimonials:read`), or `site`: the key of a server-rendered website, whose ' +
      'requests are rate limited per key (RATE_LIMIT_SITE_*) instead of per IP and whose relayed submissions are ' +
      'limited per visitor (named in X-Forwarded-For). Any other scope is 400: articles, operating hours and the ' +
      'directory are public reads that need no key (the former `articles:read` and `hours:read`, which no route ' +
      'checked, were removed, also from stored keys).',
  })
  readonly scopes!: ApiKeyScope[];

  @IsInstant({
    optional: true,
    example: '2027-06-30T00:00:00Z',
    description: 'When the key stops working; must be in the future. Omit for a key that lasts until revoked.',
  })
  readonly expiresAt?: string;
}
