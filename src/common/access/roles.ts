/** Staff roles. `admin` may do everything; the others see only their own areas. */
export const ROLES = ['admin', 'editor', 'frontdesk'] as const;
export type Role = (typeof ROLES)[number];
