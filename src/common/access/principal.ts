import type { ApiKeyScope } from './scopes.js';
import type { Role } from './roles.js';

/** Who is calling: a staff user (bearer token) or an integration (API key). */
export type Principal =
  | { kind: 'user'; id: string; role: Role; email: string; displayName: string }
  | { kind: 'apiKey'; id: string; name: string; scopes: ApiKeyScope[] };

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
  }
}
