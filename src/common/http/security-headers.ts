import helmet, { type HelmetOptions } from 'helmet';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { DOCS_PATH } from '../openapi/docs-path.js';

/**
 * What the API's own responses (JSON, problem+json, the RSS feed) carry: a response that is data, never a page,
 * needs nothing loaded, framed, sniffed or sent over plain HTTP. Helmet's document-only headers (COOP,
 * Origin-Agent-Cluster, X-DNS-Prefetch-Control, X-Download-Options, X-Permitted-Cross-Domain-Policies,
 * X-XSS-Protection) do nothing for them and cost every response, 304s included, its bytes.
 */
const API_POLICY: HelmetOptions = {
  contentSecurityPolicy: { useDefaults: false, directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } },
  crossOriginEmbedderPolicy: false,
  crossOriginOpenerPolicy: false,
  originAgentCluster: false,
  xDnsPrefetchControl: false,
  xDownloadOptions: false,
  xPermittedCrossDomainPolicies: false,
  xXssProtection: false,
  xFrameOptions: { action: 'deny' },
  referrerPolicy: { policy: 'no-referrer' },
};

/** The Swagger UI pages: helmet's document headers, with a CSP its self-hosted assets and inline styles work under. */
const DOCUMENT_POLICY: HelmetOptions = {
  contentSecurityPolicy: {
    useDefaults: false,
    directives: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'", "'unsafe-inline'"],
      imgSrc: ["'self'", 'data:'],
      fontSrc: ["'self'", 'data:'],
      connectSrc: ["'self'"],
      objectSrc: ["'none'"],
      baseUri: ["'self'"],
      formAction: ["'self'"],
      frameAncestors: ["'none'"],
    },
  },
  crossOriginEmbedderPolicy: false,
};

/**
 * The headers helmet sets for a fixed policy, computed once: they do not depend on the request, and the
 * Fastify plugin would rebuild them on every one.
 */
function headersOf(policy: HelmetOptions): Readonly<Record<string, string>> {
  const headers: Record<string, string> = {};
  const response = {
    setHeader: (name: string, value: unknown) => void (headers[name.toLowerCase()] = String(value)),
    removeHeader: () => undefined,
  };
  helmet(policy)({} as IncomingMessage, response as unknown as ServerResponse, () => undefined);
  return Object.freeze(headers);
}

export const API_SECURITY_HEADERS = headersOf(API_POLICY);
export const DOCUMENT_SECURITY_HEADERS = headersOf(DOCUMENT_POLICY);

/** Where Swagger UI's page and assets are served (its JSON and YAML documents, `/docs-json`, are data). */
const DOCS_PREFIX = `/${DOCS_PATH}`;

/** The security headers for a request target: the Swagger UI pages get the document set, all else the API set. */
export function securityHeadersFor(url: string): Readonly<Record<string, string>> {
  if (!url.startsWith(DOCS_PREFIX)) return API_SECURITY_HEADERS;
  const next = url.charCodeAt(DOCS_PREFIX.length);
  // End of the URL, `/` or `?`: /docs, /docs/swagger-ui.css, /docs?x. Not /docs-json.
  return Number.isNaN(next) || next === 0x2f || next === 0x3f ? DOCUMENT_SECURITY_HEADERS : API_SECURITY_HEADERS;
}
