import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { StaffMail } from '../mail/index.js';

/** What is known when the dispatcher disables an endpoint whose deliveries all failed for DISABLE_AFTER_MS. */
export interface EndpointDisabledNotice {
  endpointId: string;
  /** The admin's description of the endpoint, if any. */
  description: string | null;
  /** Origin and path only (no query string or credentials). */
  url: string;
  failingSince: Date;
  disabledAt: Date;
}

/**
 * Told, in the transaction that disables an endpoint (and audits it as `webhook_endpoint.disabled`), that it was
 * disabled: so whatever it writes exists exactly when the endpoint was disabled.
 */
export abstract class WebhookEndpointDisabledListener {
  abstract endpointDisabled(manager: EntityManager, notice: EndpointDisabledNotice): Promise<void>;
}

/**
 * Emails the admins who want to know (their `webhookEndpointDisabled` setting), through the mail outbox: the notice
 * names the endpoint by its description and id, never its URL (which may hold a token). Nothing when email is off.
 */
@Injectable()
export class MailingEndpointDisabledListener extends WebhookEndpointDisabledListener {
  constructor(private readonly mail: StaffMail) {
    super();
  }

  endpointDisabled(manager: EntityManager, notice: EndpointDisabledNotice): Promise<void> {
    const { endpointId, description, disabledAt } = notice;
    return this.mail.enqueue(manager, this.mail.endpointDisabledRows({ endpointId, description, disabledAt }));
  }
}
