import { redisErrorLabel } from './redis-error-label.js';

describe('redisErrorLabel', () => {
  it.each([
    [
      'a socket error code',
      Object.assign(new Error('connect ECONNREFUSED 10.0.0.5:6379'), { code: 'ECONNREFUSED' }),
      'ECONNREFUSED',
    ],
    [
      'a Redis error word',
      Object.assign(new Error("READONLY You can't write against a read only replica."), { name: 'ReplyError' }),
      'READONLY',
    ],
    ['a command timeout', new Error('Command timed out'), 'command timed out'],
    [
      'a disconnected client',
      new Error("Stream isn't writeable and enableOfflineQueue options is false"),
      'not connected',
    ],
    ['anything else, by name', new TypeError('secret detail 10.0.0.5'), 'TypeError'],
    ['a lower-case code, by name', Object.assign(new Error('x'), { code: 'oops pat@example.com' }), 'Error'],
    ['a string', 'boom', 'unknown error'],
    ['null', null, 'unknown error'],
  ])('labels %s', (_label, error, label) => {
    expect(redisErrorLabel(error)).toBe(label);
  });
});
