import { randomUUID } from 'node:crypto';

const SANE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * The request's own id, always made here: it names the request in the response, the problem body, the logs
 * and the audit log, so a caller must not be able to choose it (and file its actions under another request).
 */
export function newRequestId(): string {
  return randomUUID();
}

/**
 * The caller's X-Request-Id when it is a short, log-safe token, kept beside ours (`clientRequestId`) so a
 * caller can still find its request; undefined otherwise. The first value of a repeated header counts.
 */
export function clientRequestId(header: string | string[] | undefined): string | undefined {
  const candidate = Array.isArray(header) ? header[0] : header;
  return candidate !== undefined && SANE_REQUEST_ID.test(candidate) ? candidate : undefined;
}
