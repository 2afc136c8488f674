import { type ArgumentsHost, Catch, type ExceptionFilter, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppConfig } from '../../config/app-config.js';
import { requestPath } from '../http/request-path.js';
import { traceOf } from '../tracing/request-trace.js';
import { PROBLEM_CONTENT_TYPE } from './problem-details.js';
import { type ProblemResponse, toProblem } from './to-problem.js';

/** Writes a problem as the response: its status and headers, problem+json, never cached. */
export function sendProblem(reply: FastifyReply, problem: ProblemResponse): void {
  void reply
    .status(problem.status)
    .headers({ ...problem.headers, 'content-type': PROBLEM_CONTENT_TYPE, 'cache-control': 'no-store' })
    .send(JSON.stringify(problem.body));
}

/** The single place where errors become HTTP responses: RFC 9457 problem+json, whatever was thrown. */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  constructor(private readonly config: AppConfig) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    const problem = toProblem(exception, {
      instance: requestPath(request.url),
      requestId: String(request.id),
      retryAfterSeconds: this.config.database.retryAfterSeconds,
    });

    if (problem.unexpected) {
      // Only the error's own name, code, message and stack: TypeORM errors also carry the query parameters,
      // which may hold personal data.
      const e = exception instanceof Error ? exception : new Error(String(exception));
      this.logger.error(
        {
          reqId: request.id,
          traceId: traceOf(request).traceId,
          error: { type: e.name, code: (e as { code?: unknown }).code, message: e.message, stack: e.stack },
        },
        'Unhandled error',
      );
    } else if (problem.body.code === 'database_unavailable') {
      this.logger.warn({ reqId: request.id, traceId: traceOf(request).traceId }, 'Database unavailable; answered 503');
    }

    if (!reply.sent) sendProblem(reply, problem);
  }
}
