/** The users feature's public surface: what other features (sign-in above all) may use. */
export { UsersModule } from './users.module.js';
export { UsersService, usersServiceOn } from './users.service.js';
export { type NotificationRecipient, UsersRepository } from './users.repository.js';
export {
  effectiveNotifications,
  NOTIFICATION_AUDIENCE,
  NOTIFICATION_KINDS,
  type NotificationChoices,
  type NotificationKind,
} from './notification-preferences.js';
export { User } from './user.entity.js';
export { type UserDeletionObserver, UserDeletionObserverProvider, type UserDeletionOutcome } from './user-deletion.js';
export { RefreshToken, UserSession } from './user-session.entity.js';
export { type SessionEnd, UserSessionsRepository } from './user-sessions.repository.js';
export { PasswordResetToken, RecoveryCode } from './user-credentials.entity.js';
export { UserCredentialsRepository } from './user-credentials.repository.js';
export { reencryptTotpSecrets, totpSecretContext } from './totp-secrets.js';
export { mapUser, UserResponse } from './dto/user.responses.js';
export { IsAcceptablePassword } from './acceptable-password.js';
export { hashPassword, PASSWORD_MAX_LENGTH, passwordProblems, verifyAgainstDummy, verifyPassword } from './password.js';
