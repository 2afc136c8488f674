import { Injectable } from '@nestjs/common';
import jwt from 'jsonwebtoken';
import { AppConfig } from '../config/app-config.js';
import type { User } from '../users/index.js';
import { SigningKeys } from './signing-keys.js';

export interface AccessTokenClaims {
  sub: string;
  role: string;
  /** The user's token version when the token was issued. */
  ver: number;
  /** The session (sign-in) the token belongs to; ending the session ends the token. */
  sid?: string;
  exp?: number;
}

/** The registered claims every token for a purpose carries (see TokenService.signFor). */
export interface PurposeTokenClaims {
  sub: string;
  aud: string;
  iat: number;
  exp: number;
}

const ISSUER = 'well-clinic-api';
const seconds = (at: Date) => Math.floor(at.getTime() / 1000);

/**
 * Signs and checks the app's tokens, all with the same keys: staff access tokens, and tokens for one narrower purpose
 * (`aud`, such as an article preview or a sign-in's second-factor challenge). An access token has no audience, so
 * neither kind passes for the other. Every token names its key in `kid` (see SigningKeys: the first key signs, every
 * configured key verifies, so a rotation logs nobody out).
 */
@Injectable()
export class TokenService {
  private readonly keys: SigningKeys;

  constructor(private readonly config: AppConfig) {
    this.keys = new SigningKeys(config.auth.jwtSecrets);
  }

  get ttlSeconds(): number {
    return this.config.auth.jwtTtlSeconds;
  }

  /** An access token for the user, tied to a session when `sessionId` is given (every sign-in has one). */
  issue(user: User, sessionId?: string): Promise<string> {
    const claims: AccessTokenClaims = { sub: user.id, role: user.role, ver: user.tokenVersion };
    if (sessionId) claims.sid = sessionId;
    return Promise.resolve(this.sign(claims, { expiresIn: this.ttlSeconds }));
  }

  /** The claims of a valid, unexpired token signed by us; undefined for anything else. */
  verify(token: string): Promise<AccessTokenClaims | undefined> {
    const claims = this.check<AccessTokenClaims & { aud?: unknown }>(token, {});
    // jsonwebtoken accepts a token without `exp` forever; ours always carry one, so one without is not ours. A token
    // with an audience was made for another purpose (signFor), never to sign in.
    const valid =
      claims !== undefined &&
      typeof claims.sub === 'string' &&
      Number.isInteger(claims.ver) &&
      Number.isFinite(claims.exp) &&
      (claims.sid === undefined || typeof claims.sid === 'string') &&
      claims.aud === undefined;
    return Promise.resolve(valid ? claims : undefined);
  }

  /**
   * A token for one purpose only (`audience`), valid from `issuedAt` until `expiresAt` by the caller's clock (the
   * injected one, so tests move time instead of waiting).
   */
  signFor(
    audience: string,
    claims: { sub: string } & Record<string, unknown>,
    issuedAt: Date,
    expiresAt: Date,
  ): Promise<string> {
    return Promise.resolve(this.sign({ ...claims, iat: seconds(issuedAt), exp: seconds(expiresAt) }, { audience }));
  }

  /** The claims of a token signFor made for this audience, unexpired at `now`; undefined for anything else. */
  verifyFor<T extends object>(
    audience: string,
    token: string,
    now: Date,
  ): Promise<(T & PurposeTokenClaims) | undefined> {
    const claims = this.check<T & PurposeTokenClaims>(token, { audience, clockTimestamp: seconds(now) });
    const valid =
      claims !== undefined && typeof claims.sub === 'string' && claims.aud === audience && Number.isFinite(claims.exp);
    return Promise.resolve(valid ? claims : undefined);
  }

  private sign(payload: object, options: jwt.SignOptions): string {
    const { kid, key } = this.keys.signing;
    return jwt.sign(payload, key, { ...options, algorithm: 'HS256', issuer: ISSUER, keyid: kid });
  }

  /**
   * The payload, when the signature is one of our keys' and the registered claims hold. The key is chosen by `kid`;
   * a token without one (signed before keys had ids) is tried with each key. Keys are KeyObjects: given a string,
   * jsonwebtoken first tries to parse it as a PEM public key and throws, on every call (see README, "Signing keys").
   */
  private check<T>(token: string, options: jwt.VerifyOptions): T | undefined {
    const candidates = this.keys.verifying(kidOf(token));
    for (const key of candidates) {
      try {
        const claims = jwt.verify(token, key, { ...options, algorithms: ['HS256'], issuer: ISSUER, complete: false });
        return typeof claims === 'object' && claims !== null ? (claims as T) : undefined;
      } catch {
        // The next candidate, if any.
      }
    }
    return undefined;
  }
}

/** The `kid` of a token's header; undefined when the token has none or is not a JWT at all. */
function kidOf(token: string): string | undefined | null {
  const header = token.split('.', 1)[0];
  try {
    const parsed: unknown = JSON.parse(Buffer.from(header, 'base64url').toString('utf8'));
    if (typeof parsed !== 'object' || parsed === null) return null;
    const kid = (parsed as { kid?: unknown }).kid;
    if (kid === undefined) return undefined;
    return typeof kid === 'string' ? kid : null;
  } catch {
    return null;
  }
}
