/**
 * A short, log-safe label for a Redis failure: the socket error code (ECONNREFUSED), the Redis error word
 * (READONLY, OOM, NOAUTH), else the error's name. Never the message: it can name hosts or echo input.
 */
export function redisErrorLabel(error: unknown): string {
  if (typeof error !== 'object' || error === null) return 'unknown error';
  const { code, name, message } = error as { code?: unknown; name?: unknown; message?: unknown };
  if (typeof code === 'string' && /^[A-Z0-9_]+$/.test(code)) return code;
  if (name === 'ReplyError' && typeof message === 'string') {
    const word = /^[A-Z]+/.exec(message)?.[0];
    if (word) return word;
  }
  if (typeof message === 'string' && /timed out/i.test(message)) return 'command timed out';
  if (typeof message === 'string' && /enableOfflineQueue/.test(message)) return 'not connected';
  return typeof name === 'string' && name !== '' ? name : 'unknown error';
}
