import { EVENT_NAMES, type EventName } from './events.js';

/**
 * Every event a webhook endpoint can subscribe to: the catalogue of events.ts (one documented payload per event),
 * which endpoint filters are validated against. A feature that emits a new event adds it there.
 */
export const WEBHOOK_EVENTS: readonly EventName[] = EVENT_NAMES;
export type WebhookEvent = EventName;

/** An endpoint filter entry that matches every event. */
export const ALL_EVENTS = '*';
export const EVENT_FILTER_VALUES: readonly string[] = [...WEBHOOK_EVENTS, ALL_EVENTS];

/** Sent by `POST …/webhook-endpoints/{id}/ping` to that endpoint only, whatever its filter. */
export const PING_EVENT = 'ping';
