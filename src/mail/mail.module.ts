import { DataCipherModule } from '../common/crypto/data-cipher.module.js';
import { Feature } from '../common/feature/feature.js';
import type { Purge } from '../common/feature/purge.js';
import { AppConfig } from '../config/app-config.js';
import { UsersModule } from '../users/index.js';
import { MAIL_RANDOM, MAIL_TRANSPORT, MailDispatcher } from './mail-dispatcher.service.js';
import { MailHealth } from './mail-health.js';
import { MailMessage } from './mail-message.entity.js';
import { MailOutboxRepository } from './mail-outbox.repository.js';
import { AccountMail, MailOutbox, RequesterMail, StaffMail } from './mail-outbox.service.js';
import { mailTransportFor } from './mail-transport.js';

const DAY_MS = 24 * 60 * 60 * 1000;

/** Sent and failed emails go after the contact requests' retention period (their addresses are already erased). */
const finishedMail: Purge = {
  name: 'mail-outbox',
  async run(manager, { now, config }) {
    const cutoff = new Date(now.getTime() - config.contactRequests.retentionDays * DAY_MS);
    const deleted = await new MailOutboxRepository(manager.connection).purgeFinished(cutoff, manager);
    return {
      counts: { mailMessages: deleted, cutoff: cutoff.toISOString() },
      summary: `${deleted} ${deleted === 1 ? 'email' : 'emails'} finished before ${cutoff.toISOString()}`,
    };
  },
};

/**
 * Email through SMTP: features write staff notices and confirmations into the mail outbox with their change
 * (StaffMail, RequesterMail), then poke the dispatcher. Off without SMTP_URL.
 */
@Feature({
  entities: [MailMessage],
  purges: [finishedMail],
  imports: [UsersModule, DataCipherModule],
  providers: [
    MailOutboxRepository,
    MailOutbox,
    StaffMail,
    RequesterMail,
    AccountMail,
    MailHealth,
    MailDispatcher,
    { provide: MAIL_RANDOM, useValue: Math.random },
    {
      provide: MAIL_TRANSPORT,
      useFactory: (config: AppConfig) => mailTransportFor(config) ?? null,
      inject: [AppConfig],
    },
  ],
  exports: [StaffMail, RequesterMail, AccountMail, MailDispatcher, MailHealth],
})
export class MailModule {}
