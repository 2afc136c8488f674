import { randomUUID } from 'node:crypto';
import type { DataCipher } from '../common/crypto/data-cipher.js';
import { validationFailed } from '../common/validation/validation-pipe.js';
import { normalizeEmail, normalizePhone } from './contact-details.js';
import type { ContactRequestNote } from './contact-request-note.entity.js';
import { ContactRequest, type ContactRequestStatus } from './contact-request.entity.js';
import type { CreateContactRequestRequest } from './dto/contact-request.requests.js';

/** The personal fields of a request, in the clear: only ever in memory. */
export interface ContactDetails {
  name: string;
  phone: string | null;
  email: string | null;
  message: string | null;
}

/** Authenticated data of each ciphertext: a value moved to another column or row no longer decrypts. */
const context = (column: string, id: string) => `contact_requests.${column}:${id}`;
const noteContext = (id: string) => `contact_request_notes.body:${id}`;

export const PHONE_INDEX = 'phone';
export const EMAIL_INDEX = 'email';

/**
 * The details in storage form: the phone normalized to E.164 (a number that is not valid in the clinic's region
 * or with its country code is a 400 naming `phone`) and the email lower-cased. The channel rules (which contact
 * detail is required) are part of the request's validation.
 */
export function contactDetailsOf(body: CreateContactRequestRequest, defaultRegion: string): ContactDetails {
  const phone = body.phone === undefined ? null : (normalizePhone(body.phone, defaultRegion) ?? null);
  if (body.phone !== undefined && phone === null) {
    throw validationFailed([{ field: 'phone', message: 'phone must be a valid phone number' }]);
  }
  return {
    name: body.name,
    phone,
    email: body.email === undefined ? null : normalizeEmail(body.email),
    message: body.message ?? null,
  };
}

/** Encrypts the details for the row `id`, with blind indexes of phone and email. */
export function seal(cipher: DataCipher, id: string, details: ContactDetails): Partial<ContactRequest> {
  const optional = (column: string, value: string | null) =>
    value === null ? null : cipher.encrypt(value, context(column, id));
  return {
    nameCipher: cipher.encrypt(details.name, context('name', id)),
    phoneCipher: optional('phone', details.phone),
    emailCipher: optional('email', details.email),
    messageCipher: optional('message', details.message),
    phoneIndex: details.phone === null ? null : cipher.blindIndex(details.phone, PHONE_INDEX),
    emailIndex: details.email === null ? null : cipher.blindIndex(details.email, EMAIL_INDEX),
  };
}

export function open(cipher: DataCipher, row: ContactRequest): ContactDetails {
  const optional = (column: string, value: string | null) =>
    value === null ? null : cipher.decrypt(value, context(column, row.id));
  return {
    name: cipher.decrypt(row.nameCipher, context('name', row.id)),
    phone: optional('phone', row.phoneCipher),
    email: optional('email', row.emailCipher),
    message: optional('message', row.messageCipher),
  };
}

export const sealNote = (cipher: DataCipher, id: string, body: string): string => cipher.encrypt(body, noteContext(id));
export const openNote = (cipher: DataCipher, note: ContactRequestNote): string =>
  cipher.decrypt(note.bodyCipher, noteContext(note.id));

/** Everything a new request needs besides the person's details. */
export interface NewRequest {
  reference: string;
  status: Extract<ContactRequestStatus, 'new' | 'spam'>;
  channel: ContactRequest['channel'];
  preferredTime: ContactRequest['preferredTime'];
  serviceInterest: ContactRequest['serviceInterest'];
  /** Absent: none named. */
  location?: ContactRequest['location'];
  preferredPractitioner?: ContactRequest['preferredPractitioner'];
  consentToText: boolean;
  expectedReplyBy: Date;
  now: Date;
}

/** A request arriving at `now`, under a new id, its details sealed to that id: for ContactRequestsRepository.insert. */
export function sealNewRequest(cipher: DataCipher, details: ContactDetails, request: NewRequest): ContactRequest {
  const id = randomUUID();
  const { now, ...fields } = request;
  return Object.assign(new ContactRequest(), {
    id,
    ...fields,
    ...seal(cipher, id, details),
    assignedTo: null,
    version: 1,
    statusChangedAt: now,
    createdAt: now,
    updatedAt: now,
  });
}
