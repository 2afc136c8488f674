/**
 * What an integration key may do. Each scope is asked for by some route (`@ApiKeyScope`) or by the rate limiter: a
 * scope nothing checks would be a promise the API does not keep (migration ApiKeyScopesInUse removed `articles:read`
 * and `hours:read`, whose feeds are public). `site` reads nothing by itself: it marks the key of a server-rendered
 * website, whose requests are rate limited per key (RATE_LIMIT_SITE_*) instead of per IP, and which may name the
 * visitor it relays a submission for in X-Forwarded-For (see src/rate-limit/site-clients.ts).
 */
export const API_KEY_SCOPES = ['testimonials:read', 'site'] as const;
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];
