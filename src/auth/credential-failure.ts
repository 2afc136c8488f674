const CREDENTIAL_FAILURE = Symbol('credential-failure');

/**
 * Marks an error as a refused credential (a wrong password, an unknown email, a wrong current password). The
 * sign-in routes name `isCredentialFailure` in their `@LoginRateLimit()`: only such answers count against the
 * sign-in budgets, so a success, a validation error or an expired token costs nothing.
 */
export function credentialFailure<E extends object>(error: E): E {
  Object.defineProperty(error, CREDENTIAL_FAILURE, { value: true });
  return error;
}

export function isCredentialFailure(error: unknown): boolean {
  return typeof error === 'object' && error !== null && CREDENTIAL_FAILURE in error;
}
