import type { EntityManager } from 'typeorm';
import type { PendingRow } from '../persistence/insert-together.js';
import type { TraceContext } from '../tracing/trace-context.js';

export const ACTOR_TYPES = ['user', 'api_key', 'system', 'anonymous'] as const;
export type ActorType = (typeof ACTOR_TYPES)[number];

/** Who did it and within which request: built once per request, passed to services that record changes. */
export interface AuditContext {
  actor: { type: ActorType; id: string | null };
  /** The server's id of the request. */
  requestId: string | null;
  /** The caller's X-Request-Id (when sane): what the caller says, kept apart from what the server knows. */
  clientRequestId: string | null;
  /**
   * The request's W3C trace (the caller's `traceparent`, or one started for the request): its trace id is recorded
   * with each event, and the webhooks the request causes carry it. Absent outside a request (jobs, scripts).
   */
  trace?: TraceContext | null;
}

/** Scheduled jobs and maintenance: no request, no person. */
export const SYSTEM_CONTEXT: AuditContext = {
  actor: { type: 'system', id: null },
  requestId: null,
  clientRequestId: null,
  trace: null,
};

export interface AuditRecord {
  action: string;
  entityType: string;
  entityId?: string | null;
  /** Ids, field names and reasons only: never personal data. */
  metadata?: Record<string, unknown>;
}

/**
 * Where changes are recorded, in the caller's transaction so that the change and its record commit or fail
 * together. The audit feature provides it (AuditModule); features and shared helpers depend on this port only.
 */
export abstract class AuditLog {
  abstract record(manager: EntityManager, ctx: AuditContext, record: AuditRecord): Promise<void>;

  /** The event as a row, for a caller that inserts it together with its change (`insertTogether`). */
  abstract row(ctx: AuditContext, record: AuditRecord): PendingRow;
}
