import { dataCipherFor } from '../common/crypto/data-cipher.module.js';
import { type Seeder, seedTime } from '../common/feature/seeder.js';
import { newReference } from './contact-details.js';
import { type ContactDetails, sealNewRequest } from './contact-request-sealing.js';
import type { ContactRequest, ContactRequestStatus } from './contact-request.entity.js';
import { ContactRequestsRepository } from './contact-requests.repository.js';

const HOUR_MS = 60 * 60 * 1000;

interface DemoRequest {
  details: ContactDetails;
  fields: Pick<ContactRequest, 'channel' | 'preferredTime' | 'serviceInterest' | 'consentToText'>;
  /** The statuses it went through after arriving. */
  path: ContactRequestStatus[];
  hoursAgo: number;
}

/** Invented people; phone numbers from the 555-01xx range reserved for fiction. */
export const DEMO_CONTACT_REQUESTS: readonly DemoRequest[] = [
  {
    details: {
      name: 'Jordan Ellis',
      phone: '+12025550142',
      email: null,
      message: 'Looking for someone to talk to about work stress. Evenings are best.',
    },
    fields: { channel: 'text', preferredTime: 'evening', serviceInterest: 'individual-therapy', consentToText: true },
    path: [],
    hoursAgo: 1,
  },
  {
    details: {
      name: 'Sam Whitfield',
      phone: '+12025550188',
      email: null,
      message: 'My partner and I would like to start couples sessions.',
    },
    fields: { channel: 'call', preferredTime: 'afternoon', serviceInterest: 'couples-therapy', consentToText: false },
    path: ['in_progress'],
    hoursAgo: 20,
  },
  {
    details: { name: 'Maria Santos', phone: null, email: 'maria.santos@example.org', message: null },
    fields: { channel: 'email', preferredTime: 'any', serviceInterest: 'family-therapy', consentToText: false },
    path: ['in_progress', 'contacted'],
    hoursAgo: 50,
  },
  {
    details: {
      name: 'Chris Dunmore',
      phone: '+12025550117',
      email: 'chris.d@example.org',
      message: 'Question about group sessions.',
    },
    fields: { channel: 'text', preferredTime: 'morning', serviceInterest: 'group-therapy', consentToText: true },
    path: ['in_progress', 'contacted', 'closed'],
    hoursAgo: 24 * 9,
  },
];

/**
 * A handful of requests in different states, stored through the same code as real submissions (so encrypted
 * under the configured key), with their status history.
 */
export const demoContactRequestsSeeder: Seeder = {
  name: 'demo-contact-requests',
  async run(manager, context) {
    const { config } = context;
    if (!config) return false;
    const cipher = dataCipherFor(config);
    const requests = new ContactRequestsRepository(manager.connection);
    const now = seedTime(context).getTime();
    for (const demo of DEMO_CONTACT_REQUESTS) {
      const createdAt = new Date(now - demo.hoursAgo * HOUR_MS);
      const request = sealNewRequest(cipher, demo.details, {
        ...demo.fields,
        reference: newReference(),
        status: 'new',
        expectedReplyBy: new Date(createdAt.getTime() + HOUR_MS),
        now: createdAt,
      });
      await requests.insert(request, manager);
      let from: ContactRequestStatus = 'new';
      for (const [step, to] of demo.path.entries()) {
        const changedAt = new Date(createdAt.getTime() + (step + 1) * HOUR_MS);
        await requests.addStatusChange(
          { contactRequestId: request.id, fromStatus: from, toStatus: to, changedBy: null, changedAt },
          manager,
        );
        from = to;
      }
      if (demo.path.length > 0) {
        await requests.updateColumns(
          request.id,
          {
            status: from,
            statusChangedAt: new Date(createdAt.getTime() + demo.path.length * HOUR_MS),
            version: 1 + demo.path.length,
          },
          manager,
        );
      }
    }
  },
};
