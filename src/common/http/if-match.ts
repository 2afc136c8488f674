import { Headers } from '@nestjs/common';
import { ApiHeader } from '@nestjs/swagger';
import { AppException } from '../errors/app-exception.js';

/** The strong ETag of a versioned resource's staff representation: its version. */
export const versionEtag = (version: number): string => `"v${version}"`;

/**
 * RFC 9110 §13.1.1: If-Match uses strong comparison (weak tags never match); `*` matches any current
 * representation. Absent: the write is unconditional. `what` names the resource in the 412's detail.
 */
export function assertIfMatch(header: string | undefined, version: number, what: string): void {
  if (header === undefined) return;
  const current = versionEtag(version);
  const matches = header.split(',').some((tag) => tag.trim() === '*' || tag.trim() === current);
  if (!matches) {
    throw new AppException('precondition_failed', `The ${what} has changed since you read it: reload it and retry.`, {
      headers: { ETag: current },
    });
  }
}

/** Documents the optional `If-Match` of a write to a versioned resource; `what` names it ("article"). */
export function ApiIfMatch(what: string): MethodDecorator {
  return ApiHeader({
    name: 'If-Match',
    required: false,
    description: `The ${what}’s ETag (\`"v<version>"\`) from your last read: 412 if someone changed it since.`,
  });
}

/** The request's `If-Match` header, for assertIfMatch. */
export const IfMatch = (): ParameterDecorator => Headers('if-match');
