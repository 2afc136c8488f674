import type { Role } from '../common/access/roles.js';

/** What staff may be emailed about; each one a switch in `PATCH /auth/me/notifications`. */
export const NOTIFICATION_KINDS = [
  'newContactRequest',
  'replyOverdue',
  'webhookEndpointDisabled',
  'apiKeysOfDeletedUser',
] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

/** The switches a user has set; a kind left out follows the default of the user's role. */
export type NotificationChoices = Partial<Record<NotificationKind, boolean>>;

/**
 * Who may receive each kind, and receives it unless they switched it off: the roles that can act on it (front desk
 * and admins answer contact requests; only admins manage webhook endpoints and API keys). Another role cannot switch it on.
 */
export const NOTIFICATION_AUDIENCE: Readonly<Record<NotificationKind, readonly Role[]>> = {
  newContactRequest: ['admin', 'frontdesk'],
  replyOverdue: ['admin', 'frontdesk'],
  webhookEndpointDisabled: ['admin'],
  apiKeysOfDeletedUser: ['admin'],
};

/** What a user with this role and these choices receives. */
export function effectiveNotifications(role: Role, choices: NotificationChoices): Record<NotificationKind, boolean> {
  return Object.fromEntries(
    NOTIFICATION_KINDS.map((kind) => [kind, NOTIFICATION_AUDIENCE[kind].includes(role) && (choices[kind] ?? true)]),
  ) as Record<NotificationKind, boolean>;
}

/** The kinds `changes` switches on that the role may not receive: each one a 400 naming it. */
export function notificationsNotAllowed(role: Role, changes: NotificationChoices): NotificationKind[] {
  return NOTIFICATION_KINDS.filter((kind) => changes[kind] === true && !NOTIFICATION_AUDIENCE[kind].includes(role));
}
