import { SetMetadata } from '@nestjs/common';

/** Metadata: a route that an account still to enrol its second factor may use. */
export const BEFORE_ENROLMENT = 'wellclinic:auth:before-enrolment';

/**
 * Marks a route that a user whose role requires a second factor (MFA_REQUIRED_ROLES) may call before enrolling:
 * enrolment itself, and what helps to get there (who am I, my sessions, my password). Every other route answers 403
 * `mfa_enrolment_required` to them.
 */
export const AllowedBeforeEnrolment = (): MethodDecorator => SetMetadata(BEFORE_ENROLMENT, true);
