import type { StaffMember } from '../utils/staff.js';
import type { TestApp } from '../utils/test-app.js';
import { bodyOf } from './requests.js';

export const CONTACT_REQUESTS = '/api/v1/contact-requests';
export const ADMIN_CONTACT_REQUESTS = '/api/v1/admin/contact-requests';

/**
 * A valid contact request on the text channel, with what that channel needs and nothing else (no email);
 * `undefined` overrides drop a field.
 */
export function contactRequestBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: 'Alex Rivera',
    phone: '(415) 555-2671',
    preferredChannel: 'text',
    preferredTime: 'evening',
    serviceInterest: 'individual-therapy',
    message: 'I would like to talk about anxiety.',
    consentToContact: true,
    consentToText: true,
    ...overrides,
  };
}

/**
 * A contact request with every personal field filled in: what the contact-request suites submit (and look for, in
 * every normalized form, where personal data must not appear), and what the browser test submits so the staff list
 * has something to show.
 */
export const PERSON = contactRequestBody({
  name: 'Robin Achterberg',
  email: 'Robin.A@Example.org',
  message: 'I have been feeling anxious at night and would like to talk to someone.',
});

/** The receipt `POST /contact-requests` answers: no id, only the reference the visitor is given. */
export interface ContactReceipt {
  reference: string;
  status: string;
  expectedReplyBy: string;
  expectedReplyText: string;
  crisisNotice: string;
}

/** Submits a contact request through the public API (201 or the test fails). */
export function submitContactRequest(
  t: TestApp,
  body: Record<string, unknown> = contactRequestBody(),
): Promise<ContactReceipt> {
  return bodyOf(t.http().post(CONTACT_REQUESTS).send(body), 201);
}

/** The id of the request a receipt is for, as staff find it: in the first 100 of the staff list. */
export async function contactRequestId(t: TestApp, staff: StaffMember, reference: string): Promise<string> {
  const list = t.http().get(ADMIN_CONTACT_REQUESTS).set(staff.auth).query({ pageSize: 100 });
  const { data } = await bodyOf<{ data: { id: string; reference: string }[] }>(list, 200);
  const found = data.find((r) => r.reference === reference);
  if (!found) throw new Error(`no request with the reference ${reference} in the list`);
  return found.id;
}
