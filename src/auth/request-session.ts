import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { deviceHint, ipPrefix } from './session-hints.js';
import type { SessionClient } from './sessions.service.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The session of the request's access token (set by the access guard), when it has one. */
    sessionId?: string;
  }
}

/** The id of the caller's session, when their token has one. */
export const CurrentSessionId = createParamDecorator(
  (_data: unknown, ctx: ExecutionContext): string | undefined =>
    ctx.switchToHttp().getRequest<FastifyRequest>().sessionId,
);

/** The client as a session records it: a device hint and the network, never the User-Agent or the address. */
export const CurrentClient = createParamDecorator((_data: unknown, ctx: ExecutionContext): SessionClient => {
  const request = ctx.switchToHttp().getRequest<FastifyRequest>();
  return { device: deviceHint(request.headers['user-agent']), ipPrefix: ipPrefix(request.ip) };
});
