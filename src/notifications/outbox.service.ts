import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Clock } from '../common/clock/clock.js';
import { formatTraceparent, type TraceContext } from '../common/tracing/trace-context.js';
import { AppConfig } from '../config/app-config.js';
import type { PendingRow } from '../common/persistence/insert-together.js';
import { type NewEvent, OutboxRepository } from './outbox.repository.js';

/** An event to announce. The payload goes to third parties as is: ids and codes only, never personal data. */
export interface OutboxEvent {
  event: string;
  entityId: string | null;
  payload: Record<string, unknown>;
  /** The trace of the request that caused the event: its webhooks carry it as `traceparent`. */
  trace?: TraceContext | null;
}

/**
 * Announces an event in the caller's transaction: one row, whatever the number of endpoints. After the transaction
 * commits, the dispatcher fans it out into a delivery per active endpoint that subscribes to it, each retried until
 * NOTIFY_RETRY_HOURS after the event.
 */
@Injectable()
export class Outbox {
  constructor(
    private readonly outbox: OutboxRepository,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  async enqueue(manager: EntityManager, event: OutboxEvent): Promise<void> {
    await this.outbox.insertEvent(this.announced(event), manager);
  }

  /** The event as rows, for a caller that inserts them together with its change (`insertTogether`). */
  rows(event: OutboxEvent): PendingRow[] {
    return [this.outbox.eventRow(this.announced(event))];
  }

  private announced({ trace, ...event }: OutboxEvent): NewEvent {
    const now = this.clock.now();
    return {
      ...event,
      traceparent: trace ? formatTraceparent(trace) : null,
      giveUpAt: new Date(now.getTime() + this.config.notifications.retryForMs),
      createdAt: now,
    };
  }
}
