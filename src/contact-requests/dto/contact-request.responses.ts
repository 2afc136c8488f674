import { ApiProperty } from '@nestjs/swagger';
import type { OpenedRequest, RequestRecord } from '../admin-contact-requests.service.js';
import { maskEmail, maskPhone } from '../contact-details.js';
import type { ContactRequestNote } from '../contact-request-note.entity.js';
import type { ContactRequest } from '../contact-request.entity.js';
import {
  CONTACT_CHANNELS,
  CONTACT_REQUEST_STATUSES,
  PREFERRED_TIMES,
  type ContactChannel,
  type ContactRequestStatus,
  type PreferredTime,
} from '../contact-request.entity.js';
import { VersionedRepresentation } from '../../common/http/response-headers.js';

/** What the person who asked is told. Nothing they sent is echoed back. */
export class ContactRequestReceiptResponse {
  /** Quote it when you call or text us. */
  @ApiProperty({ example: 'CR-7K3F9Q', pattern: '^CR-[23456789ABCDEFGHJKMNPQRSTVWXYZ]{6}$' })
  readonly reference!: string;

  @ApiProperty({ enum: ['received'] })
  readonly status!: 'received';

  @ApiProperty({ format: 'date-time' })
  readonly expectedReplyBy!: string;

  @ApiProperty({ example: "We'll text you back by Monday 10:00 AM EST." })
  readonly expectedReplyText!: string;

  @ApiProperty({ example: 'If you are in crisis, call or text 988.' })
  readonly crisisNotice!: string;
}

/** What every staff view of a request shows. */
class ContactRequestFields {
  @ApiProperty({ format: 'uuid' })
  readonly id!: string;

  @ApiProperty({ example: 'CR-7K3F9Q' })
  readonly reference!: string;

  @ApiProperty({ enum: CONTACT_REQUEST_STATUSES, enumName: 'ContactRequestStatus' })
  readonly status!: ContactRequestStatus;

  @ApiProperty({ enum: CONTACT_CHANNELS, enumName: 'ContactChannel' })
  readonly channel!: ContactChannel;

  @ApiProperty({ enum: PREFERRED_TIMES, enumName: 'PreferredTime', nullable: true })
  readonly preferredTime!: PreferredTime | null;

  /** The slug of a service (see `GET /api/v1/services`). */
  @ApiProperty({ type: String, nullable: true, example: 'individual-therapy' })
  readonly serviceInterest!: string | null;

  /** The slug of the location they named (see `GET /api/v1/locations`). */
  @ApiProperty({ type: String, nullable: true, example: 'harbor-street' })
  readonly location!: string | null;

  /** The slug of the practitioner they asked for (see `GET /api/v1/practitioners`). */
  @ApiProperty({ type: String, nullable: true, example: 'elena-marsh' })
  readonly preferredPractitioner!: string | null;

  @ApiProperty({ example: 'Alex Rivera' })
  readonly name!: string;

  @ApiProperty({ format: 'date-time' })
  readonly expectedReplyBy!: string;

  @ApiProperty({ type: String, format: 'uuid', nullable: true })
  readonly assignedTo!: string | null;

  @ApiProperty({ format: 'date-time' })
  readonly createdAt!: string;

  @ApiProperty({ format: 'date-time' })
  readonly updatedAt!: string;
}

export class ContactRequestSummaryResponse extends ContactRequestFields {
  /** Country code and last two digits only; open the request for the number. */
  @ApiProperty({ type: String, nullable: true, example: '+1 ••••••••71' })
  readonly phoneMasked!: string | null;

  @ApiProperty({ type: String, nullable: true, example: 'a•••@example.org' })
  readonly emailMasked!: string | null;
}

export class ContactRequestNoteResponse {
  @ApiProperty({ format: 'uuid' })
  readonly id!: string;

  @ApiProperty({ example: 'Left a voicemail; will try again at 6 pm.' })
  readonly body!: string;

  @ApiProperty({ type: String, format: 'uuid', nullable: true })
  readonly authorId!: string | null;

  @ApiProperty({ format: 'date-time' })
  readonly createdAt!: string;
}

export class StatusChangeResponse {
  /** Null for the first entry: the request arriving. */
  @ApiProperty({ enum: CONTACT_REQUEST_STATUSES, enumName: 'ContactRequestStatus', nullable: true })
  readonly fromStatus!: ContactRequestStatus | null;

  @ApiProperty({ enum: CONTACT_REQUEST_STATUSES, enumName: 'ContactRequestStatus' })
  readonly toStatus!: ContactRequestStatus;

  /** Null when the person submitted it. */
  @ApiProperty({ type: String, format: 'uuid', nullable: true })
  readonly changedBy!: string | null;

  @ApiProperty({ format: 'date-time' })
  readonly changedAt!: string;
}

/** The whole request, decrypted. Reading it is recorded in the audit log. */
@VersionedRepresentation()
export class ContactRequestResponse extends ContactRequestFields {
  /** E.164. */
  @ApiProperty({ type: String, nullable: true, example: '+14155552671' })
  readonly phone!: string | null;

  @ApiProperty({ type: String, nullable: true, format: 'email' })
  readonly email!: string | null;

  @ApiProperty({ type: String, nullable: true })
  readonly message!: string | null;

  @ApiProperty()
  readonly consentToText!: boolean;

  /** Also the ETag `"v<version>"` to send in `If-Match`. */
  @ApiProperty({ type: 'integer' })
  readonly version!: number;

  @ApiProperty({ format: 'date-time' })
  readonly statusChangedAt!: string;

  @ApiProperty({ type: [ContactRequestNoteResponse] })
  readonly notes!: ContactRequestNoteResponse[];

  @ApiProperty({ type: [StatusChangeResponse] })
  readonly history!: StatusChangeResponse[];
}

const iso = (d: Date) => d.toISOString();

function fieldsOf(r: ContactRequest, name: string): ContactRequestFields {
  return {
    id: r.id,
    reference: r.reference,
    status: r.status,
    channel: r.channel,
    preferredTime: r.preferredTime,
    serviceInterest: r.serviceInterest,
    location: r.location,
    preferredPractitioner: r.preferredPractitioner,
    name,
    expectedReplyBy: iso(r.expectedReplyBy),
    assignedTo: r.assignedTo,
    createdAt: iso(r.createdAt),
    updatedAt: iso(r.updatedAt),
  };
}

export function mapSummary({ request: r, details }: OpenedRequest): ContactRequestSummaryResponse {
  return {
    ...fieldsOf(r, details.name),
    phoneMasked: details.phone === null ? null : maskPhone(details.phone),
    emailMasked: details.email === null ? null : maskEmail(details.email),
  };
}

export function mapNote({ note, body }: { note: ContactRequestNote; body: string }): ContactRequestNoteResponse {
  return { id: note.id, body, authorId: note.authorId, createdAt: iso(note.createdAt) };
}

export function mapRequest({ request: r, details, notes, history }: RequestRecord): ContactRequestResponse {
  return {
    ...fieldsOf(r, details.name),
    phone: details.phone,
    email: details.email,
    message: details.message,
    consentToText: r.consentToText,
    version: r.version,
    statusChangedAt: iso(r.statusChangedAt),
    notes: notes.map(mapNote),
    history: history.map((h) => ({
      fromStatus: h.fromStatus,
      toStatus: h.toStatus,
      changedBy: h.changedBy,
      changedAt: iso(h.changedAt),
    })),
  };
}
