import { applyDecorators } from '@nestjs/common';
import { ApiExtraModels, ApiResponse, getSchemaPath } from '@nestjs/swagger';
import { problemKind, type ProblemCode } from '../errors/problem-codes.js';
import { PROBLEM_CONTENT_TYPE, ProblemDetails } from '../errors/problem-details.js';
import { problemExampleName } from './problem-examples.js';

/**
 * Documents the problem responses an operation can return, grouped by status, with one named example per code.
 * The document builder completes them (headers, the problems every route shares, the description listing the
 * codes).
 */
export function ApiProblems(...codes: ProblemCode[]): MethodDecorator & ClassDecorator {
  const byStatus = new Map<number, ProblemCode[]>();
  for (const code of codes) {
    const { status } = problemKind(code);
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  return applyDecorators(
    ApiExtraModels(ProblemDetails),
    ...[...byStatus].map(([status, group]) =>
      ApiResponse({
        status,
        description: `Problem: ${group.map((c) => `\`${c}\``).join(', ')}`,
        content: {
          [PROBLEM_CONTENT_TYPE]: {
            schema: { $ref: getSchemaPath(ProblemDetails) },
            examples: Object.fromEntries(
              group.map((c) => [c, { $ref: `#/components/examples/${problemExampleName(c)}` }]),
            ),
          },
        },
      }),
    ),
  );
}
