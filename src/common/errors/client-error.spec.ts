import { jest } from '@jest/globals';
import { PassThrough } from 'node:stream';
import type { Socket } from 'node:net';
import { clientErrorProblem, createClientErrorHandler, rawProblemResponse } from './client-error.js';

const error = (code?: string) => Object.assign(new Error('parse error'), code ? { code } : {});

describe('clientErrorProblem', () => {
  it.each([
    ['HPE_HEADER_OVERFLOW', 431, 'headers_too_large'],
    ['ERR_HTTP_REQUEST_TIMEOUT', 408, 'request_timeout'],
    ['HPE_CHUNK_EXTENSIONS_OVERFLOW', 413, 'payload_too_large'],
    ['HPE_INVALID_METHOD', 400, 'bad_request'],
    [undefined, 400, 'bad_request'],
  ])('maps %s to %i %s', (code, status, problem) => {
    expect(clientErrorProblem(error(code), 'rid')).toMatchObject({
      status,
      code: problem,
      type: `/problems/${problem.replace(/_/g, '-')}`,
      instance: '/',
      requestId: 'rid',
    });
  });

  it('never echoes the parser message (it can quote the request)', () => {
    expect(JSON.stringify(clientErrorProblem(error('HPE_INVALID_METHOD'), 'rid'))).not.toContain('parse error');
  });
});

describe('rawProblemResponse', () => {
  it('writes a complete HTTP/1.1 response that closes the connection', () => {
    const problem = clientErrorProblem(error('HPE_HEADER_OVERFLOW'), 'rid-1');
    const raw = rawProblemResponse(problem, { 'X-Content-Type-Options': 'nosniff' });
    const [head, body] = raw.split('\r\n\r\n');

    expect(head.split('\r\n')).toEqual([
      'HTTP/1.1 431 Request Header Fields Too Large',
      'Content-Type: application/problem+json; charset=utf-8',
      `Content-Length: ${Buffer.byteLength(body)}`,
      'Cache-Control: no-store',
      'Connection: close',
      'X-Request-Id: rid-1',
      'X-Content-Type-Options: nosniff',
    ]);
    expect(JSON.parse(body)).toEqual(problem);
  });
});

describe('createClientErrorHandler', () => {
  const setup = () => {
    const socket = new PassThrough() as unknown as Socket & PassThrough;
    let written = '';
    socket.on('data', (chunk: Buffer) => (written += chunk.toString()));
    const answered = jest.fn();
    const handler = createClientErrorHandler({ headers: {}, requestId: () => 'rid', answered });
    return { socket, handler, answered, written: () => written };
  };

  it('answers problem+json, reports it and destroys the socket', () => {
    const { socket, handler, answered, written } = setup();
    socket.on('error', () => undefined);
    handler(error('HPE_INVALID_METHOD'), socket);

    expect(written()).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
    expect(answered).toHaveBeenCalledWith({
      reqId: 'rid',
      statusCode: 400,
      code: 'bad_request',
      parserError: 'HPE_INVALID_METHOD',
    });
    expect(socket.destroyed).toBe(true);
  });

  it('writes nothing on a reset connection', () => {
    const { socket, handler, answered, written } = setup();
    handler(error('ECONNRESET'), socket);

    expect(written()).toBe('');
    expect(answered).not.toHaveBeenCalled();
  });

  it('writes nothing into a response already under way, and closes the connection', () => {
    const { socket, handler, answered, written } = setup();
    socket.on('error', () => undefined);
    Object.assign(socket, { _httpMessage: { headersSent: true } });
    handler(error('HPE_INVALID_METHOD'), socket);

    expect(written()).toBe('');
    expect(answered).not.toHaveBeenCalled();
    expect(socket.destroyed).toBe(true);
  });
});
