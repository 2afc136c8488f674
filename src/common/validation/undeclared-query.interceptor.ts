import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor } from '@nestjs/common';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants.js';
import { RouteParamtypes } from '@nestjs/common/internal';
import type { FastifyRequest } from 'fastify';
import type { Observable } from 'rxjs';
import { validationFailed } from './validation-pipe.js';

interface RouteArg {
  index: number;
  data?: unknown;
}

/**
 * The validation pipe rejects unknown query parameters only on routes that declare a query DTO. This
 * closes the gap: on a route that declares no query (or only named parameters), any other parameter is a
 * validation error instead of being silently ignored.
 */
@Injectable()
export class UndeclaredQueryInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const query = context.switchToHttp().getRequest<FastifyRequest>().query as Record<string, unknown> | undefined;
    const keys = Object.keys(query ?? {});
    if (keys.length === 0) return next.handle();

    const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, context.getClass(), context.getHandler().name) ??
      {}) as Record<string, RouteArg>;
    const queryArgs = Object.entries(args)
      .filter(([key]) => key.split(':')[0] === String(RouteParamtypes.QUERY))
      .map(([, arg]) => arg);
    // A whole-query DTO is validated (and unknown keys rejected) by the validation pipe.
    if (queryArgs.some((arg) => arg.data === undefined)) return next.handle();

    const declared = new Set(queryArgs.map((arg) => String(arg.data)));
    const unknown = keys.filter((key) => !declared.has(key));
    if (unknown.length > 0) {
      throw validationFailed(unknown.map((field) => ({ field, message: `property ${field} should not exist` })));
    }
    return next.handle();
  }
}
