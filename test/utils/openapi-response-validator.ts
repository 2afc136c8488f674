import type { OpenAPIObject, OperationObject, ResponseObject, SchemaObject } from '@nestjs/swagger';
import { Ajv, type ValidateFunction } from 'ajv';
import ajvFormats, { type FormatsPlugin } from 'ajv-formats';

// A CommonJS default export: TypeScript under nodenext sees the module object, Node hands over the function.
const addFormats = ((ajvFormats as unknown as { default?: FormatsPlugin }).default ?? ajvFormats) as FormatsPlugin;

const PROBLEM_JSON = 'application/problem+json';
const DOCUMENT_ID = 'openapi.json';
const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

/** One response as the test suite received it. */
export interface ReceivedResponse {
  method: string;
  /** As requested: a concrete path, with or without a query string. */
  path: string;
  status: number;
  contentType?: string;
  /** The parsed body for JSON media types. */
  body: unknown;
  /** The raw body text, for everything else and to tell an empty body apart. */
  text?: string;
}

interface Route {
  template: string;
  pattern: RegExp;
  /** Literal segments win over parameters: `/articles/feed.xml` before `/articles/{slug}`. */
  params: number;
  operations: Partial<Record<(typeof METHODS)[number], OperationObject>>;
}

/**
 * Checks responses against an OpenAPI 3.0 document: the status is documented for the operation, the content
 * type is one of that response's media types, and the body validates against its schema (Ajv, which knows
 * OpenAPI's `nullable`). Responses of routes the document does not describe (unknown URLs, Swagger UI assets)
 * are only held to the rule every error follows: `application/problem+json` with a `ProblemDetails` body.
 */
export class OpenApiResponseValidator {
  /** Responses checked so far. */
  checked = 0;
  private readonly ajv: Ajv;
  private readonly routes: Route[];
  private readonly compiled = new Map<object, ValidateFunction>();

  constructor(private readonly document: OpenAPIObject) {
    // strict off: the document's schemas carry OpenAPI-only keywords (`example`, `discriminator`, `xml`...).
    this.ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false });
    addFormats(this.ajv);
    this.ajv.addSchema({ $id: DOCUMENT_ID, components: document.components ?? {} });
    this.routes = Object.entries(document.paths)
      .map(([template, item]) => ({
        template,
        pattern: new RegExp(
          `^${template
            .split(/\{[^}]+\}/)
            .map(escapeRegExp)
            .join('[^/]+')}$`,
        ),
        params: (template.match(/\{/g) ?? []).length,
        operations: Object.fromEntries(METHODS.filter((m) => item[m]).map((m) => [m, item[m]])),
      }))
      .sort((a, b) => a.params - b.params);
  }

  /** Every way the response departs from the document, as readable sentences; empty when it conforms. */
  mismatches(res: ReceivedResponse): string[] {
    this.checked += 1;
    const method = res.method.toLowerCase() as (typeof METHODS)[number];
    const path = res.path.split(/[?#]/)[0];
    const route = this.routes.find((r) => r.pattern.test(path));
    // HEAD answers as GET would, without the body.
    const operation = route?.operations[method] ?? (method === 'head' ? route?.operations.get : undefined);
    const at = `${res.method.toUpperCase()} ${path} → ${res.status}`;
    if (!route || !operation) return res.status >= 400 ? this.problemMismatches(res, `${at} (undocumented route)`) : [];

    const name = `${operation.operationId ?? route.template} (${at})`;
    const statuses = operation.responses as Record<string, ResponseObject>;
    const response =
      statuses[String(res.status)] ?? statuses[`${String(res.status)[0]}XX`] ?? statuses.default ?? undefined;
    if (!response) {
      return [`${name}: status ${res.status} is not documented (documented: ${Object.keys(statuses).join(', ')})`];
    }
    const text = res.text ?? '';
    const content = response.content ?? {};
    if (method === 'head' || res.status === 204 || res.status === 304 || !Object.keys(content).length) {
      return text.length ? [`${name}: a body was sent where the document describes none`] : [];
    }
    const mediaType = (res.contentType ?? '').split(';')[0].trim().toLowerCase();
    const media = content[mediaType];
    if (!media) {
      return [`${name}: content type "${res.contentType ?? ''}" is not one of ${Object.keys(content).join(', ')}`];
    }
    if (!media.schema) return [];
    const value = isJson(mediaType) ? res.body : text;
    return this.schemaMismatches(media.schema, value, name);
  }

  /** Throws one error listing every mismatch, for a test to fail with. */
  assert(res: ReceivedResponse): void {
    const found = this.mismatches(res);
    if (found.length) throw new Error(`Response does not match the OpenAPI document:\n- ${found.join('\n- ')}`);
  }

  private problemMismatches(res: ReceivedResponse, name: string): string[] {
    const mediaType = (res.contentType ?? '').split(';')[0].trim().toLowerCase();
    if (mediaType !== PROBLEM_JSON) return [`${name}: content type "${res.contentType ?? ''}" is not ${PROBLEM_JSON}`];
    const schema = this.document.components?.schemas?.ProblemDetails;
    return schema ? this.schemaMismatches({ $ref: '#/components/schemas/ProblemDetails' }, res.body, name) : [];
  }

  private schemaMismatches(schema: object, value: unknown, name: string): string[] {
    let validate = this.compiled.get(schema);
    if (!validate) {
      validate = this.ajv.compile(rebase(schema) as SchemaObject);
      this.compiled.set(schema, validate);
    }
    if (validate(value)) return [];
    return (validate.errors ?? []).map(
      (e) => `${name}: body${e.instancePath || ''} ${e.message ?? 'is invalid'} (schema ${e.schemaPath})`,
    );
  }
}

/** Points the document's local references (`#/components/...`) at the copy registered in Ajv. */
function rebase(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(rebase);
  if (!schema || typeof schema !== 'object') return schema;
  return Object.fromEntries(
    Object.entries(schema).map(([key, value]) => [
      key,
      key === '$ref' && typeof value === 'string' && value.startsWith('#') ? `${DOCUMENT_ID}${value}` : rebase(value),
    ]),
  );
}

function isJson(mediaType: string): boolean {
  return mediaType === 'application/json' || mediaType.endsWith('+json');
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
