import { randomUUID } from 'node:crypto';

export const HTTP_METHODS = ['get', 'put', 'post', 'patch', 'delete'] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

/** One operation of the app's OpenAPI document, with the access extensions its decorators set. */
export interface Operation {
  method: HttpMethod;
  path: string;
  operationId: string;
  /** `x-roles`: the staff roles allowed (`any` for every signed-in member); absent on public and key routes. */
  roles?: string[];
  /** `x-api-key-scope`: the scope an integration key needs. */
  scope?: string;
  /** The names of the path template's parameters, in order. */
  pathParams: string[];
  /** The documented example of the JSON request body, when the operation takes one. */
  bodyExample?: Record<string, unknown>;
  /** The status codes the operation documents. */
  statuses: string[];
}

interface DocumentLike {
  paths: Record<string, Record<string, Record<string, unknown>>>;
}

/** Every operation of a live OpenAPI document (`GET /docs-json`). */
export function operationsOf(doc: DocumentLike): Operation[] {
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    HTTP_METHODS.filter((method) => item[method]).map((method) => {
      const op = item[method];
      const body = op.requestBody as { content?: Record<string, { example?: Record<string, unknown> }> } | undefined;
      return {
        method,
        path,
        operationId: String(op.operationId),
        roles: op['x-roles'] as string[] | undefined,
        scope: op['x-api-key-scope'] as string | undefined,
        pathParams: [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]),
        bodyExample: body?.content?.['application/json']?.example,
        statuses: Object.keys(op.responses as object),
      };
    }),
  );
}

/** A path parameter that names a record by its UUID: `id`, `revisionId`… */
export const isIdParam = (name: string): boolean => /id$/i.test(name);

/**
 * A concrete URL for a templated path: `values` where given, else a fresh UUID for ids and a plausible word for
 * anything else.
 */
export function concrete(path: string, values: Record<string, string> = {}): string {
  return path.replace(/\{(\w+)\}/g, (_, name: string) => values[name] ?? (isIdParam(name) ? randomUUID() : 'sample'));
}
