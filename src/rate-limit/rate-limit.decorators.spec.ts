import { Controller, Get } from '@nestjs/common';
import {
  LoginRateLimit,
  RATE_LIMIT_LOGIN_FAILED_WHEN,
  RATE_LIMIT_OPT_INS,
  RATE_LIMIT_SKIP,
  SkipRateLimit,
  SubmissionRateLimit,
} from './rate-limit.decorators.js';

const refused = (error: unknown): boolean => error === 'refused';

@SubmissionRateLimit()
@Controller('x')
class Decorated {
  @Get('login')
  @LoginRateLimit({ failedWhen: refused })
  login(): void {}

  @Get('health')
  @SkipRateLimit()
  health(): void {}

  @Get('plain')
  plain(): void {}
}

const meta = (key: string, target: object): unknown => Reflect.getMetadata(key, target) as unknown;

describe('rate-limit decorators', () => {
  it('record the opt-in policy on methods and classes', () => {
    expect(meta(RATE_LIMIT_OPT_INS, Decorated.prototype.login)).toEqual(['login']);
    expect(meta(RATE_LIMIT_OPT_INS, Decorated)).toEqual(['submission']);
    expect(meta(RATE_LIMIT_OPT_INS, Decorated.prototype.plain)).toBeUndefined();
  });

  it('record which errors a login route counts as failures', () => {
    expect(meta(RATE_LIMIT_LOGIN_FAILED_WHEN, Decorated.prototype.login)).toBe(refused);
    expect(meta(RATE_LIMIT_LOGIN_FAILED_WHEN, Decorated.prototype.plain)).toBeUndefined();
  });

  it('mark a skipped route', () => {
    expect(meta(RATE_LIMIT_SKIP, Decorated.prototype.health)).toBe(true);
    expect(meta(RATE_LIMIT_SKIP, Decorated.prototype.login)).toBeUndefined();
  });

  it('document the 429 on opted-in routes', () => {
    const responses = meta('swagger/apiResponse', Decorated.prototype.login) as Record<string, { description: string }>;
    expect(responses['429'].description).toBe('Problem: `rate_limited`');
  });
});
