import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { ApiKeysService } from '../api-keys/index.js';
import { AppException } from '../common/errors/app-exception.js';
import { UsersRepository } from '../users/index.js';
import { ACCESS_POLICY, type AccessPolicy, DEFAULT_POLICY } from '../common/access/decorators.js';
import type { Principal } from '../common/access/principal.js';
import './auth.problems.js';
import './request-session.js';
import { MfaService } from './mfa.service.js';
import { BEFORE_ENROLMENT } from './mfa-enrolment.js';
import { SessionsService } from './sessions.service.js';
import { TokenService } from './token.service.js';

const unauthorized = (detail: string, challenge?: string) =>
  new AppException('unauthorized', detail, challenge ? { headers: { 'WWW-Authenticate': challenge } } : {});
const forbidden = (detail: string) => new AppException('forbidden', detail);

/**
 * Enforces each route's access policy (see decorators.ts); routes without one are admin-only. Tokens are
 * checked against the user's current state on every request, so deactivation and password changes take
 * effect immediately.
 */
@Injectable()
export class AccessGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: TokenService,
    private readonly apiKeys: ApiKeysService,
    private readonly users: UsersRepository,
    private readonly sessions: SessionsService,
    private readonly mfa: MfaService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const policy =
      this.reflector.getAllAndOverride<AccessPolicy | undefined>(ACCESS_POLICY, [
        context.getHandler(),
        context.getClass(),
      ]) ?? DEFAULT_POLICY;
    if (policy.kind === 'public') return true;

    const request = context.switchToHttp().getRequest<FastifyRequest>();
    if (policy.kind === 'apiKey') {
      const secret = request.headers['x-api-key'];
      const key = typeof secret === 'string' ? await this.apiKeys.authenticate(secret) : undefined;
      // No WWW-Authenticate: there is no registered scheme for header API keys.
      if (!key) throw unauthorized('A valid X-API-Key header is required.');
      if (!key.scopes.includes(policy.scope)) throw forbidden(`This API key lacks the ${policy.scope} scope.`);
      await this.apiKeys.markUsed(key);
      request.principal = { kind: 'apiKey', id: key.id, name: key.name, scopes: key.scopes };
      return true;
    }

    const staff = await this.staffPrincipal(request.headers.authorization);
    if (!staff) throw unauthorized('A valid bearer token is required.', 'Bearer');
    const { principal, sessionId } = staff;
    if (policy.roles !== 'any' && !policy.roles.includes(principal.role)) {
      throw forbidden(`This requires one of the roles: ${policy.roles.join(', ')}.`);
    }
    if (staff.mustEnrol && !this.reflector.get<boolean | undefined>(BEFORE_ENROLMENT, context.getHandler())) {
      throw new AppException(
        'mfa_enrolment_required',
        `The ${principal.role} role requires a second factor: enrol at POST /api/v1/auth/mfa/totp, then confirm with POST /api/v1/auth/mfa/totp/confirm.`,
      );
    }
    request.principal = principal;
    request.sessionId = sessionId;
    return true;
  }

  /** The user of a valid token, as they are now, if the token still works: same token version, session not ended. */
  private async staffPrincipal(
    header: string | undefined,
  ): Promise<{ principal: Extract<Principal, { kind: 'user' }>; sessionId?: string; mustEnrol: boolean } | undefined> {
    // The scheme name is case-insensitive (RFC 9110 §11.1): `bearer` and `BEARER` are the same scheme.
    const match = /^Bearer +([A-Za-z0-9._~+/-]+=*)$/i.exec(header ?? '');
    if (!match) return undefined;
    const claims = await this.tokens.verify(match[1]);
    if (!claims) return undefined;
    const [user, sessionLive] = await Promise.all([
      this.users.findById(claims.sub),
      claims.sid === undefined ? true : this.sessions.isLive(claims.sid),
    ]);
    if (!user || !user.active || user.tokenVersion !== claims.ver || !sessionLive) return undefined;
    return {
      principal: { kind: 'user', id: user.id, role: user.role, email: user.email, displayName: user.displayName },
      sessionId: claims.sid,
      mustEnrol: this.mfa.mustEnrol(user),
    };
  }
}
