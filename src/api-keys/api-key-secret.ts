import { createHash, randomBytes } from 'node:crypto';

/** Recognizable in logs, configs and secret scanners. */
export const API_KEY_PREFIX = 'wck_';
const PREFIX_SHOWN = 12;

export interface NewSecret {
  secret: string;
  prefix: string;
  hash: string;
}

/** 32 random bytes: unguessable, so a fast hash (not a password hash) is the right way to store it. */
export function generateApiKeySecret(): NewSecret {
  const secret = `${API_KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
  return { secret, prefix: secret.slice(0, PREFIX_SHOWN), hash: hashApiKeySecret(secret) };
}

export function hashApiKeySecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

export function looksLikeApiKey(value: string): boolean {
  return value.startsWith(API_KEY_PREFIX) && value.length > API_KEY_PREFIX.length && value.length <= 100;
}
