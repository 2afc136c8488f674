/** Rate limiting's public surface: the route decorators, the client address they count, and the store's health. */
export { LoginRateLimit, SkipRateLimit, SubmissionRateLimit } from './rate-limit.decorators.js';
export { RateLimitModule } from './rate-limit.module.js';
export { RateLimitGuard } from './rate-limit.guard.js';
export { RateLimitStoreHealth, type RateLimitStoreState } from './rate-limit-store.health.js';
export { ClientIp, clientIpOf } from './site-clients.js';
export { AttemptBudget, type AttemptBudgetKey } from './attempt-budget.js';
export { emailDigest } from './rate-limit.keys.js';
