import { problemKind, type ProblemCode } from './problem-codes.js';
import type { FieldError } from './problem-details.js';

export interface AppExceptionOptions {
  errors?: FieldError[];
  headers?: Record<string, string>;
  /** Extra, non-personal members added to the problem body. */
  extensions?: Record<string, unknown>;
  cause?: unknown;
}

/** A domain error with a stable code; the problem-details filter turns it into an HTTP response. */
export class AppException extends Error {
  readonly status: number;

  constructor(
    readonly code: ProblemCode,
    readonly detail: string,
    readonly options: AppExceptionOptions = {},
  ) {
    super(detail, { cause: options.cause });
    this.name = 'AppException';
    this.status = problemKind(code).status;
  }
}
