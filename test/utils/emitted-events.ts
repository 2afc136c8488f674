import type { OpenAPIObject, SchemaObject } from '@nestjs/swagger';
import { Ajv, type ValidateFunction } from 'ajv';
import ajvFormats, { type FormatsPlugin } from 'ajv-formats';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { EVENT_PAYLOADS, type EventName } from '../../src/notifications/events.js';
import type { TestApp } from './test-app.js';

// A CommonJS default export: TypeScript under nodenext sees the module object, Node hands over the function.
const addFormats = ((ajvFormats as unknown as { default?: FormatsPlugin }).default ?? ajvFormats) as FormatsPlugin;

/** An event as the outbox holds it: its name and its payload. */
export interface Emitted {
  event: string;
  payload: Record<string, unknown>;
}

/**
 * The events announced about `entityId`, oldest first: read from the outbox's events (one row per event, before the
 * dispatcher fans it out to endpoints; the suites' apps dispatch only when a test asks), so they exist exactly when
 * the change committed. The one place that knows where events are kept.
 */
export async function emittedAbout(t: TestApp, entityId: string): Promise<Emitted[]> {
  return t.app
    .get(DataSource)
    .query<Emitted[]>(
      "SELECT event, payload FROM outbox_events WHERE entity_id = $1 ORDER BY created_at, payload->>'occurredAt', id",
      [entityId],
    );
}

/**
 * Validates payloads against the component schema the app's OpenAPI document gives each event, as it serves it at
 * `/docs-json`; a property the schema does not declare is an error too (nothing undocumented, so nothing personal,
 * slips into a payload).
 */
export class EventSchemas {
  private readonly validators = new Map<string, ValidateFunction>();

  private constructor(private readonly document: OpenAPIObject) {}

  static async of(t: TestApp): Promise<EventSchemas> {
    const res = await request(t.app.getHttpServer()).get('/docs-json');
    return new EventSchemas(res.body as OpenAPIObject);
  }

  /** The documented schema of an event, by its payload class's name. */
  schemaOf(event: EventName): SchemaObject | undefined {
    return this.document.components?.schemas?.[EVENT_PAYLOADS[event].name] as SchemaObject | undefined;
  }

  /** The ways the payload departs from its event's documented schema; empty when it conforms. */
  errors(payload: Record<string, unknown>): string[] {
    const event = payload.event as EventName;
    let validate = this.validators.get(event);
    if (!validate) {
      const schema = this.schemaOf(event);
      if (!schema) return [`no documented schema for the event ${String(event)}`];
      const ajv = new Ajv({ strict: false, allErrors: true });
      addFormats(ajv);
      validate = ajv.compile({ ...schema, additionalProperties: false });
      this.validators.set(event, validate);
    }
    return validate(payload)
      ? []
      : (validate.errors ?? []).map((e) => `${e.instancePath || '(payload)'} ${e.message ?? ''}`.trim());
  }
}
