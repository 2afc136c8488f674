import { applyDecorators, createParamDecorator, type ExecutionContext, SetMetadata } from '@nestjs/common';
import { ApiBearerAuth, ApiExtension, ApiSecurity } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import type { ApiKeyScope as Scope } from './scopes.js';
import { type ActorType, type AuditContext } from '../audit/audit-log.js';
import { clientRequestId } from '../http/request-id.js';
import { ApiProblems } from '../openapi/api-problems.js';
import { API_KEY_AUTH, BEARER_AUTH } from '../openapi/openapi.js';
import { traceOf } from '../tracing/request-trace.js';
import type { TraceContext } from '../tracing/trace-context.js';
import type { Role } from './roles.js';
import type { Principal } from './principal.js';

export const ACCESS_POLICY = 'wellclinic:access';

/**
 * Who may call a route. A route without a policy is admin-only, so forgetting a decorator can never
 * expose it.
 */
export type AccessPolicy =
  { kind: 'public' } | { kind: 'staff'; roles: readonly Role[] | 'any' } | { kind: 'apiKey'; scope: Scope };

export const DEFAULT_POLICY: AccessPolicy = { kind: 'staff', roles: ['admin'] };

/** Anyone, no credentials needed; credentials that are sent are ignored. */
export function Public(): MethodDecorator & ClassDecorator {
  return applyDecorators(
    SetMetadata(ACCESS_POLICY, { kind: 'public' } satisfies AccessPolicy),
    ApiExtension('x-public', true),
  );
}

/** Staff with one of these roles (admins always qualify). */
export function Roles(...roles: Role[]): MethodDecorator & ClassDecorator {
  const allowed = [...new Set<Role>(['admin', ...roles])];
  return applyDecorators(
    SetMetadata(ACCESS_POLICY, { kind: 'staff', roles: allowed } satisfies AccessPolicy),
    ApiBearerAuth(BEARER_AUTH),
    ApiExtension('x-roles', allowed),
    ApiProblems('unauthorized', 'forbidden'),
  );
}

/** Any signed-in staff member, whatever the role. */
export function Authenticated(): MethodDecorator & ClassDecorator {
  return applyDecorators(
    SetMetadata(ACCESS_POLICY, { kind: 'staff', roles: 'any' } satisfies AccessPolicy),
    ApiBearerAuth(BEARER_AUTH),
    ApiExtension('x-roles', ['any']),
    ApiProblems('unauthorized'),
  );
}

/** An integration key carrying this scope (`X-API-Key`). */
export function ApiKeyScope(scope: Scope): MethodDecorator & ClassDecorator {
  return applyDecorators(
    SetMetadata(ACCESS_POLICY, { kind: 'apiKey', scope } satisfies AccessPolicy),
    ApiSecurity(API_KEY_AUTH),
    ApiExtension('x-api-key-scope', scope),
    ApiProblems('unauthorized', 'forbidden'),
  );
}

/** The authenticated caller (set by the access guard). */
export const CurrentPrincipal = createParamDecorator(
  (_data: unknown, ctx: ExecutionContext): Principal | undefined =>
    ctx.switchToHttp().getRequest<FastifyRequest>().principal,
);

/** Actor, request id and trace for audit records. */
export const Audit = createParamDecorator((_data: unknown, ctx: ExecutionContext): AuditContext => {
  const request = ctx.switchToHttp().getRequest<FastifyRequest>();
  return auditContextFor(
    request.principal,
    request.id,
    clientRequestId(request.headers['x-request-id']) ?? null,
    traceOf(request),
  );
});

export function auditContextFor(
  principal: Principal | undefined,
  requestId: string,
  clientRequestId: string | null = null,
  trace: TraceContext | null = null,
): AuditContext {
  const actor: { type: ActorType; id: string | null } = principal
    ? { type: principal.kind === 'user' ? 'user' : 'api_key', id: principal.id }
    : { type: 'anonymous', id: null };
  return { actor, requestId, clientRequestId, trace };
}
