import {
  applyDecorators,
  type CallHandler,
  type ExecutionContext,
  Injectable,
  type NestInterceptor,
  SetMetadata,
  type Type,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiCreatedResponse, type ApiResponseOptions } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { map, type Observable } from 'rxjs';
import { versionEtag } from './if-match.js';

/**
 * Response headers declared on routes and response classes, set by one interceptor, and documented by the same
 * declarations: controllers never take the reply just to set `ETag` or `Location`.
 */

const VERSIONED = new Set<string>();
const LOCATION = 'wellclinic:location';

/**
 * A staff representation of a record changed under optimistic locking. Every response whose declared type is this
 * class carries `ETag: "v<version>"` (from the body's `version`), and the OpenAPI document says so.
 */
export function VersionedRepresentation(): ClassDecorator {
  return (target) => {
    VERSIONED.add(target.name);
  };
}

/** Whether the schema of this name (a response class) is a versioned representation. */
export function isVersionedRepresentation(schemaName: string): boolean {
  return VERSIONED.has(schemaName);
}

/** The documented `Location` response header (a component the document builder defines). */
export const LOCATION_HEADER = { Location: { $ref: '#/components/headers/Location' } };

/**
 * `201 Created` with the new resource's URL in `Location`. `{name}` in the template is the body's field of that name,
 * else the route parameter: `/api/v1/admin/hours/{key}/exceptions/{id}`.
 */
export function Created(type: Type, location: string, options: Omit<ApiResponseOptions, 'type' | 'headers'> = {}) {
  return applyDecorators(
    SetMetadata(LOCATION, location),
    ApiCreatedResponse({ ...options, type, headers: LOCATION_HEADER }),
  );
}

/** `@nestjs/swagger`'s metadata key of a handler's declared responses. */
const API_RESPONSES = 'swagger/apiResponse';

function declaresVersioned(handler: object): boolean {
  const responses = (Reflect.getMetadata(API_RESPONSES, handler) ?? {}) as Record<string, { type?: unknown }>;
  return Object.entries(responses).some(
    ([status, response]) =>
      status.startsWith('2') && typeof response.type === 'function' && VERSIONED.has(response.type.name),
  );
}

function fill(template: string, body: Record<string, unknown>, params: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = body[name] ?? params[name];
    if (typeof value !== 'string' && typeof value !== 'number') {
      throw new Error(`Location template ${template}: no value for ${name}`);
    }
    return encodeURIComponent(value);
  });
}

/** Sets the headers a route declares (above), once its handler has produced the body. */
@Injectable()
export class ResponseHeadersInterceptor implements NestInterceptor {
  private readonly plans = new WeakMap<object, { etag: boolean; location?: string }>();

  constructor(private readonly reflector: Reflector) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const handler = context.getHandler();
    let plan = this.plans.get(handler);
    if (!plan) {
      plan = { etag: declaresVersioned(handler), location: this.reflector.get<string>(LOCATION, handler) };
      this.plans.set(handler, plan);
    }
    if (!plan.etag && !plan.location) return next.handle();
    const { etag, location } = plan;
    const http = context.switchToHttp();
    return next.handle().pipe(
      map((body: unknown) => {
        if (body === null || typeof body !== 'object') return body;
        const fields = body as Record<string, unknown>;
        const reply = http.getResponse<FastifyReply>();
        if (etag && typeof fields.version === 'number') void reply.header('etag', versionEtag(fields.version));
        if (location) {
          const params = (http.getRequest<FastifyRequest>().params ?? {}) as Record<string, string>;
          void reply.header('location', fill(location, fields, params));
        }
        return body;
      }),
    );
  }
}
