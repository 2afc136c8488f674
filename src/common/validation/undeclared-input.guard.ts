import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants.js';
import { RouteParamtypes } from '@nestjs/common/internal';
import type { FastifyRequest } from 'fastify';
import { validationFailed } from './validation-pipe.js';

interface RouteArg {
  index: number;
  data?: unknown;
}

/** No body at all, JSON `null`, or `{}`: what clients send when there is nothing to send. */
function isEmptyBody(body: unknown): boolean {
  if (body === undefined || body === null) return true;
  return typeof body === 'object' && !Array.isArray(body) && Object.keys(body).length === 0;
}

/**
 * The validation pipe rejects unknown query parameters and body fields only on routes that declare a query
 * DTO or a body. This closes the gaps: on a route that declares no query (or only named parameters), any
 * other parameter is a validation error, and so is a body sent to a route that declares none (a DELETE or
 * an action), instead of being silently ignored.
 *
 * A guard rather than an interceptor: it only inspects the request before the handler, and an interceptor
 * would wrap every request of the API in an Observable pipeline for nothing. It never refuses access: it
 * passes or throws a validation error, after the rate limit and authentication guards (see its module).
 */
@Injectable()
export class UndeclaredInputGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') return true;
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const keys = Object.keys((request.query as Record<string, unknown> | undefined) ?? {});
    if (keys.length === 0 && isEmptyBody(request.body)) return true;

    const args = Object.entries(
      (Reflect.getMetadata(ROUTE_ARGS_METADATA, context.getClass(), context.getHandler().name) ?? {}) as Record<
        string,
        RouteArg
      >,
    );
    const argsOf = (type: RouteParamtypes) =>
      args.filter(([key]) => key.split(':')[0] === String(type)).map(([, arg]) => arg);

    if (!isEmptyBody(request.body) && argsOf(RouteParamtypes.BODY).length === 0) {
      throw validationFailed([{ field: 'body', message: 'this operation takes no request body' }]);
    }

    const queryArgs = argsOf(RouteParamtypes.QUERY);
    // A whole-query DTO is validated (and unknown keys rejected) by the validation pipe.
    if (queryArgs.some((arg) => arg.data === undefined)) return true;

    const declared = new Set(queryArgs.map((arg) => String(arg.data)));
    const unknown = keys.filter((key) => !declared.has(key));
    if (unknown.length > 0) {
      throw validationFailed(unknown.map((field) => ({ field, message: `property ${field} should not exist` })));
    }
    return true;
  }
}
