import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { AppConfig } from '../config/app-config.js';
import type { User } from '../users/user.entity.js';

export interface AccessTokenClaims {
  sub: string;
  role: string;
  /** The user's token version when the token was issued. */
  ver: number;
  exp?: number;
}

@Injectable()
export class TokenService {
  constructor(
    private readonly jwt: JwtService,
    private readonly config: AppConfig,
  ) {}

  get ttlSeconds(): number {
    return this.config.auth.jwtTtlSeconds;
  }

  issue(user: User): Promise<string> {
    const claims: AccessTokenClaims = { sub: user.id, role: user.role, ver: user.tokenVersion };
    return this.jwt.signAsync(claims, { expiresIn: this.ttlSeconds });
  }

  /** The claims of a valid, unexpired token signed by us; undefined for anything else. */
  async verify(token: string): Promise<AccessTokenClaims | undefined> {
    try {
      const claims = await this.jwt.verifyAsync<AccessTokenClaims>(token, { algorithms: ['HS256'] });
      // jsonwebtoken accepts a token without `exp` forever; ours always carry one, so one without is not ours.
      const valid = typeof claims.sub === 'string' && Number.isInteger(claims.ver) && Number.isFinite(claims.exp);
      return valid ? claims : undefined;
    } catch {
      return undefined;
    }
  }
}
