import { creatorOf } from './requests.js';

export const ADMIN_API_KEYS = '/api/v1/admin/api-keys';

/** A key as `POST /admin/api-keys` answers it: the only time its secret is shown. */
export interface CreatedKey {
  id: string;
  name: string;
  prefix: string;
  scopes: string[];
  createdBy: { id: string; displayName: string | null; deleted: boolean } | null;
  createdAt: string;
  lastUsedAt: string | null;
  expiresAt: string | null;
  revokedAt: string | null;
  secret: string;
}

/** A valid `POST /admin/api-keys` body: a key for the testimonials feed, without expiry. */
export function apiKeyBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { name: 'Partner widget', scopes: ['testimonials:read'], ...overrides };
}

/** Creates an API key through the API as an admin, secret included. */
export const createApiKey = creatorOf<CreatedKey>(ADMIN_API_KEYS, apiKeyBody);
