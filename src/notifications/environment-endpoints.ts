import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { recordAuditEvent } from '../audit/index.js';
import { SYSTEM_CONTEXT } from '../common/audit/audit-log.js';
import { dataCipherFor } from '../common/crypto/data-cipher.module.js';
import type { AppConfig } from '../config/app-config.js';
import { CONTACT_REQUEST_CREATED } from './events.js';
import { OutboxRepository } from './outbox.repository.js';
import { WebhookEndpointsRepository } from './webhook-endpoints.repository.js';
import { WebhookTargets } from './webhook-targets.js';
import { endpointSecretOfLegacy, secretContext } from './webhook-signing.js';
import { webhookUrlProblem } from './webhook-url.js';

/** Instances starting together take turns; the unique index on environment URLs would hold without it too. */
const IMPORT_LOCK = 'webhook-endpoints:environment';

/** What receivers from NOTIFY_WEBHOOK_URLS were sent before endpoints existed, and still are unless an admin widens it. */
export const ENVIRONMENT_EVENTS = [CONTACT_REQUEST_CREATED];

/**
 * NOTIFY_WEBHOOK_URLS, the configuration from before endpoints were managed through the API, as managed endpoints:
 * one per URL (made once, however many instances start, and found again on every restart), subscribed to what they
 * received then (ENVIRONMENT_EVENTS), signed with NOTIFY_WEBHOOK_SECRET so existing receivers keep verifying.
 * Deliveries written before endpoints existed go to the endpoint of their URL; pending ones whose URL is no longer
 * configured fail (nothing would send them). Later changes to the secret go through the API (rotate-secret): the
 * variable only seeds it.
 */
export async function importEnvironmentEndpoints(
  dataSource: DataSource,
  config: AppConfig,
): Promise<string | undefined> {
  const { webhookUrls: urls, webhookSecret, allowPrivateTargets } = config.notifications;
  urls.forEach((url, i) => {
    const problem = webhookUrlProblem(url, allowPrivateTargets);
    // Which entry, never the URL itself: it may hold a token.
    if (problem) throw new Error(`NOTIFY_WEBHOOK_URLS: entry ${i + 1}: ${problem}`);
  });
  await warnOfRefusedTargets(urls, new WebhookTargets(config));
  const cipher = dataCipherFor(config);
  const endpoints = new WebhookEndpointsRepository(dataSource);
  const outbox = new OutboxRepository(dataSource);
  const { created, adopted, orphaned } = await endpoints.transaction(async (manager) => {
    await manager.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [IMPORT_LOCK]);
    let created = 0;
    let adopted = 0;
    for (const url of webhookSecret ? urls : []) {
      const id = randomUUID();
      const now = new Date();
      const inserted = await endpoints.insertEnvironment(
        {
          id,
          url,
          description: 'From NOTIFY_WEBHOOK_URLS',
          events: ENVIRONMENT_EVENTS,
          active: true,
          secret: cipher.encrypt(endpointSecretOfLegacy(webhookSecret!), secretContext(id)),
          previousSecret: null,
          previousSecretExpiresAt: null,
          source: 'environment',
          failingSince: null,
          disabledAt: null,
          createdAt: now,
          updatedAt: now,
        },
        manager,
      );
      const endpoint = (await endpoints.findEnvironment(url, manager))!;
      if (inserted) {
        created += 1;
        await recordAuditEvent(manager, SYSTEM_CONTEXT, {
          action: 'webhook_endpoint.created',
          entityType: 'webhook_endpoint',
          entityId: endpoint.id,
          metadata: { events: endpoint.events, active: true, source: 'environment' },
        });
      }
      adopted += await outbox.adopt(url, endpoint.id, manager);
    }
    return { created, adopted, orphaned: await outbox.failOrphans(manager) };
  });
  if (created + adopted + orphaned === 0) return undefined;
  return (
    `Webhook endpoints from NOTIFY_WEBHOOK_URLS: ${created} created, ${adopted} earlier deliveries moved to them, ` +
    `${orphaned} pending deliveries to URLs no longer configured failed`
  );
}

/**
 * The check an endpoint's URL gets when an admin saves it, names resolved: a URL that passes it now may be refused at
 * every connection (a name of an internal host), which would only show as failed deliveries. Warns, naming the
 * entry's position, never the URL (it may hold a token); the endpoint is made all the same, as it was before.
 */
async function warnOfRefusedTargets(urls: readonly string[], targets: WebhookTargets): Promise<void> {
  const problems = await Promise.all(urls.map((url) => targets.problemOf(url)));
  problems.forEach((problem, i) => {
    if (problem) {
      new Logger('Notifications').warn(
        `NOTIFY_WEBHOOK_URLS: entry ${i + 1}: ${problem}; its deliveries will be refused when connecting`,
      );
    }
  });
}
