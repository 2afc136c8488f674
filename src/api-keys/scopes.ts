/** What an integration key may read. Feature issues add scopes here. */
export const API_KEY_SCOPES = ['testimonials:read', 'articles:read', 'hours:read'] as const;
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];
