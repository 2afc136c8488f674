import type { FastifyInstance } from 'fastify';
import { type IncomingMessage, type Server, STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { requestPath } from '../http/request-path.js';
import { AppException } from './app-exception.js';
import { problemKind, problemType, type ProblemCode } from './problem-codes.js';
import { PROBLEM_CONTENT_TYPE, type ProblemBody } from './problem-details.js';

/** What Node's HTTP parser reports on a connection, before any request object exists. */
export interface ConnectionError extends Error {
  code?: string;
}

const CLIENT_ERRORS: Record<string, { code: ProblemCode; detail: string }> = {
  // The request line counts towards the limit too: an over-long URL lands here.
  HPE_HEADER_OVERFLOW: {
    code: 'headers_too_large',
    detail: 'The request line and headers exceed the size limit (an over-long URL or header).',
  },
  HPE_CHUNK_EXTENSIONS_OVERFLOW: { code: 'payload_too_large', detail: 'The chunk extensions exceed the size limit.' },
  ERR_HTTP_REQUEST_TIMEOUT: { code: 'request_timeout', detail: 'The request was not received in time.' },
};
const NOT_HTTP = { code: 'bad_request', detail: 'The request is not valid HTTP/1.1.' } as const;

/**
 * The problem for an error of Node's HTTP parser. There is no request, so no path: `instance` is `/`, and nothing
 * of the raw request (it may be the over-long or malformed part) is echoed.
 */
export function clientErrorProblem(error: ConnectionError, requestId: string): ProblemBody {
  const { code, detail } = CLIENT_ERRORS[error.code ?? ''] ?? NOT_HTTP;
  return problemBody(code, detail, '/', requestId);
}

function problemBody(code: ProblemCode, detail: string, instance: string, requestId: string): ProblemBody {
  const { status, title } = problemKind(code);
  return { type: problemType(code), title, status, detail, instance, code, requestId };
}

/** The whole raw HTTP response for such a problem: the connection is closed after it. */
export function rawProblemResponse(problem: ProblemBody, headers: Readonly<Record<string, string>>): string {
  const body = JSON.stringify(problem);
  const lines = [
    `HTTP/1.1 ${problem.status} ${STATUS_CODES[problem.status] ?? 'Error'}`,
    `Content-Type: ${PROBLEM_CONTENT_TYPE}; charset=utf-8`,
    `Content-Length: ${Buffer.byteLength(body)}`,
    'Cache-Control: no-store',
    'Connection: close',
    `X-Request-Id: ${problem.requestId}`,
    ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
  ];
  return `${lines.join('\r\n')}\r\n\r\n${body}`;
}

export interface RawAnswerOptions {
  /** The security headers every response carries. */
  headers: Readonly<Record<string, string>>;
  requestId: () => string;
  /** Called with each answer written, for the request log. */
  answered: (line: { reqId: string; statusCode: number; code: ProblemCode; parserError: string | undefined }) => void;
}

/**
 * The answers Node's HTTP server would otherwise write itself, bare and without a body: 400 to an HTTP/1.1 request
 * without a Host header, 417 to an `Expect` other than `100-continue`, and nothing at all (a closed socket) to
 * CONNECT. Each becomes a problem+json like every other answer.
 */
export function registerServerAnswers(fastify: FastifyInstance, options: RawAnswerOptions): void {
  const server = fastify.server as Server & { requireHostHeader: boolean };
  // Node's own check answers an empty 400; this hook answers the same refusal as a problem (RFC 9112, 3.2).
  server.requireHostHeader = false;
  fastify.addHook('onRequest', (request, _reply, done) => {
    if (request.raw.httpVersion === '1.1' && !request.headers.host) {
      done(new AppException('bad_request', 'An HTTP/1.1 request must have a Host header.'));
      return;
    }
    done();
  });

  server.on('checkExpectation', (request: IncomingMessage) => {
    const problem = problemBody(
      'expectation_failed',
      'Only "Expect: 100-continue" is supported.',
      requestPath(request.url ?? '/'),
      options.requestId(),
    );
    // As Node's answer to a parsed request would: with a Date, and the socket destroyed once the answer is out.
    const socket = request.socket;
    answerRaw(options, problem, (raw) => socket.end(raw, () => socket.destroy()), {
      headers: { Date: new Date().toUTCString() },
    });
  });

  server.on('connect', (_request: IncomingMessage, socket: Duplex) => {
    const problem = problemBody(
      'method_not_allowed',
      'CONNECT is not supported: this is not a proxy.',
      '/',
      options.requestId(),
    );
    socket.on('error', () => undefined);
    answerRaw(options, problem, (raw) => socket.end(raw));
  });
}

/** Sends `problem` as a whole raw response (see rawProblemResponse) and reports it for the request log. */
function answerRaw(
  options: RawAnswerOptions,
  problem: ProblemBody,
  send: (raw: string) => void,
  { headers = {}, parserError }: { headers?: Readonly<Record<string, string>>; parserError?: string } = {},
): void {
  send(rawProblemResponse(problem, { ...headers, ...options.headers }));
  options.answered({ reqId: problem.requestId, statusCode: problem.status, code: problem.code, parserError });
}

/** Node's view of a socket that is writing a response: raw bytes must not be mixed into it. */
interface HttpSocket extends Socket {
  _httpMessage?: { headersSent?: boolean } | null;
}

/**
 * Fastify's `clientErrorHandler`: Node's parser refused a request (malformed request line, headers too large,
 * a timeout) and Fastify would answer with its own `application/json`. This answers problem+json, as the API
 * does everywhere else, then closes the connection (as Node does: the stream cannot be trusted any more).
 */
export function createClientErrorHandler(options: RawAnswerOptions): (error: ConnectionError, socket: Socket) => void {
  return (error, socket) => {
    // A reset connection is gone: there is nobody to answer.
    if (error.code === 'ECONNRESET' || socket.destroyed) return;
    const busy = (socket as HttpSocket)._httpMessage?.headersSent === true;
    if (socket.writable && !busy) {
      answerRaw(options, clientErrorProblem(error, options.requestId()), (raw) => socket.write(raw), {
        parserError: error.code,
      });
    }
    socket.destroy(error);
  };
}
