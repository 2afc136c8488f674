import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { problemCodes, type ProblemCode } from './problem-codes.js';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export class FieldError {
  /** Dotted path of the invalid field, e.g. `periods.0.opens`. Query parameters and headers use their own name. */
  @ApiProperty({ example: 'phone' })
  readonly field!: string;

  @ApiProperty({ example: 'phone must be a valid phone number' })
  readonly message!: string;
}

/** RFC 9457 problem details, the body of every non-2xx response. */
export class ProblemDetails {
  @ApiProperty({ example: '/problems/validation-failed' })
  readonly type!: string;

  @ApiProperty({ example: 'Validation failed' })
  readonly title!: string;

  @ApiProperty({ example: 400 })
  readonly status!: number;

  @ApiProperty({ example: '1 field is invalid' })
  readonly detail!: string;

  @ApiProperty({ example: '/api/v1/contact-requests', description: 'The request path (without query string).' })
  readonly instance!: string;

  @ApiProperty({ enum: problemCodes(), enumName: 'ProblemCode', example: 'validation_failed' })
  readonly code!: ProblemCode;

  @ApiProperty({
    example: '5b0f3c1e-9a8e-4a57-8f3e-1c2d3e4f5a6b',
    description: 'Same value as the X-Request-Id header.',
  })
  readonly requestId!: string;

  @ApiPropertyOptional({
    type: [FieldError],
    description: 'Present on validation_failed: at most the first 50 errors found.',
    maxItems: 50,
  })
  readonly errors?: FieldError[];

  @ApiPropertyOptional({
    type: 'integer',
    minimum: 51,
    example: 30000,
    description:
      'Present when `errors` had to leave some out: how many errors were found. Validation stops early on input ' +
      'with that many problems (thousands of unknown members, say), so the request may have more.',
  })
  readonly errorCount?: number;
}

/** The body as built by the filter: the documented members plus any extension members. */
export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance: string;
  code: ProblemCode;
  requestId: string;
  errors?: FieldError[];
  [extension: string]: unknown;
}
