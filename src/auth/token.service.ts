import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { AppConfig } from '../config/app-config.js';
import type { User } from '../users/index.js';

export interface AccessTokenClaims {
  sub: string;
  role: string;
  /** The user's token version when the token was issued. */
  ver: number;
  exp?: number;
}

/** The registered claims every token for a purpose carries (see TokenService.signFor). */
export interface PurposeTokenClaims {
  sub: string;
  aud: string;
  iat: number;
  exp: number;
}

const seconds = (at: Date) => Math.floor(at.getTime() / 1000);

/**
 * Signs and checks the app's tokens, all with the same keys: staff access tokens, and tokens for one narrower purpose
 * (`aud`, such as an article preview). An access token has no audience, so neither kind passes for the other.
 */
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
      const claims = await this.jwt.verifyAsync<AccessTokenClaims & { aud?: unknown }>(token, {
        algorithms: ['HS256'],
      });
      // jsonwebtoken accepts a token without `exp` forever; ours always carry one, so one without is not ours. A
      // token with an audience was made for another purpose (signFor), never to sign in.
      const valid =
        typeof claims.sub === 'string' &&
        Number.isInteger(claims.ver) &&
        Number.isFinite(claims.exp) &&
        claims.aud === undefined;
      return valid ? claims : undefined;
    } catch {
      return undefined;
    }
  }

  /**
   * A token for one purpose only (`audience`), valid from `issuedAt` until `expiresAt` by the caller's clock (the
   * injected one, so tests move time instead of waiting).
   */
  signFor(audience: string, claims: { sub: string } & Record<string, unknown>, issuedAt: Date, expiresAt: Date) {
    return this.jwt.signAsync({ ...claims, iat: seconds(issuedAt), exp: seconds(expiresAt) }, { audience });
  }

  /** The claims of a token signFor made for this audience, unexpired at `now`; undefined for anything else. */
  async verifyFor<T extends object>(
    audience: string,
    token: string,
    now: Date,
  ): Promise<(T & PurposeTokenClaims) | undefined> {
    try {
      const claims = await this.jwt.verifyAsync<T & PurposeTokenClaims>(token, {
        algorithms: ['HS256'],
        audience,
        clockTimestamp: seconds(now),
      });
      return typeof claims.sub === 'string' && claims.aud === audience && Number.isFinite(claims.exp)
        ? claims
        : undefined;
    } catch {
      return undefined;
    }
  }
}
