/**
 * What an integration key may do. Feature issues add scopes here. `site` reads nothing by itself: it marks the key of
 * a server-rendered website, whose requests are rate limited per key (RATE_LIMIT_SITE_*) instead of per IP, and which
 * may name the visitor it relays a submission for in X-Forwarded-For (see src/rate-limit/site-clients.ts).
 */
export const API_KEY_SCOPES = ['testimonials:read', 'articles:read', 'hours:read', 'site'] as const;
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];
