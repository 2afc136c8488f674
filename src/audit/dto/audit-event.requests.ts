import { PaginationQueryDto } from '../../common/pagination/pagination.js';
import { IsInstant, IsOneOf, IsText, ValidateUUID } from '../../common/validation/decorators.js';
import { ACTOR_TYPES, type ActorType } from '../../common/audit/audit-log.js';

export class ListAuditEventsQuery extends PaginationQueryDto {
  @IsOneOf(ACTOR_TYPES, { optional: true, enumName: 'AuditActorType' })
  readonly actorType?: ActorType;

  @ValidateUUID({ optional: true })
  readonly actorId?: string;

  /** Exact action, e.g. `user.created`. */
  @IsText({ optional: true, max: 64, example: 'auth.login_failed' })
  readonly action?: string;

  @IsText({ optional: true, max: 64, example: 'user' })
  readonly entityType?: string;

  @ValidateUUID({ optional: true })
  readonly entityId?: string;

  @IsInstant({ optional: true, description: 'Events at or after this instant.' })
  readonly from?: string;

  @IsInstant({ optional: true, description: 'Events at or before this instant.' })
  readonly to?: string;

  @IsOneOf(['-occurredAt', 'occurredAt'], {
    optional: true,
    enumName: 'AuditEventSort',
    description:
      "`-occurredAt` (newest first, the default) or `occurredAt`. Events at the same instant (one transaction's) " +
      'follow the order they were written in, reversed when newest first.',
  })
  readonly sort: '-occurredAt' | 'occurredAt' = '-occurredAt';
}
