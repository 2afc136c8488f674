import type { IncomingMessage } from 'node:http';
import { pino, type DestinationStream, type Logger } from 'pino';
import type { AppConfig } from '../../config/app-config.js';
import { requestPath } from '../http/request-path.js';

/**
 * Header and field paths that must never reach a log line, even if some code logs a request or an object
 * carelessly. Request bodies are never logged at all: no serializer includes them.
 */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'req.headers["set-cookie"]',
  'req.body',
  'res.headers["set-cookie"]',
  '*.password',
  '*.currentPassword',
  '*.newPassword',
  '*.token',
  '*.accessToken',
  '*.secret',
];

/**
 * The process's root logger. nestjs-pino keeps the first logger it is given for the life of the process,
 * so build one per process (tests share one per test file) and hand it to every app.
 */
export function createRootLogger(log: AppConfig['log'], destination?: DestinationStream): Logger {
  const options = {
    level: log.level,
    base: { service: 'well-clinic-api' },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    formatters: { level: (label: string) => ({ level: label }) },
    // Should a request ever be logged, only its id, method and path are written.
    serializers: { req: serializeRequest },
  };
  if (destination) return pino(options, destination);
  if (log.pretty) return pino({ ...options, transport: { target: 'pino-pretty' } });
  return pino(options);
}

/** What a log line says about the request it belongs to: no headers, no query string, no body. */
export function serializeRequest(req: IncomingMessage & { id?: unknown }): Record<string, unknown> {
  return { id: req.id, method: req.method, path: requestPath(req.url ?? '') };
}
