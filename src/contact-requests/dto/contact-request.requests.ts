import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Equals, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { IsServiceSlug } from '../../services/index.js';
import { PaginationQueryDto } from '../../common/pagination/pagination.js';
import {
  IsEmailAddress,
  IsFlag,
  IsInstant,
  IsOneOf,
  IsSlug,
  IsText,
  SLUG_PATTERN,
  ValidateUUID,
} from '../../common/validation/decorators.js';
import {
  CONTACT_CHANNELS,
  CONTACT_REQUEST_STATUSES,
  PREFERRED_TIMES,
  type ContactChannel,
  type ContactRequestStatus,
  type PreferredTime,
} from '../contact-request.entity.js';

export const MAX_MESSAGE_LENGTH = 1000;
export const MAX_NOTE_LENGTH = 2000;

const TEXT_CONSENT = 'consentToText must be true to be contacted by text';
const textChannel = (body: Record<string, unknown>) => body.preferredChannel === 'text';

/** "Send us a text!": someone asking to be contacted. */
export class CreateContactRequestRequest {
  @IsText({ max: 100, example: 'Alex Rivera', description: 'How we should address you.' })
  readonly name!: string;

  /** Required for `text` and `call`. Any common format; without a country code, the clinic's region is assumed. */
  @IsText({
    max: 40,
    optional: true,
    emptyAsAbsent: true,
    example: '(415) 555-2671',
    requiredWhen: {
      when: (body) => body.preferredChannel === 'text' || body.preferredChannel === 'call',
      message: ({ object }) =>
        `phone is required when preferredChannel is ${String((object as { preferredChannel?: unknown }).preferredChannel)}`,
    },
  })
  readonly phone?: string;

  /** Required for `email`. */
  @IsEmailAddress({
    optional: true,
    emptyAsAbsent: true,
    requiredWhen: {
      when: (body) => body.preferredChannel === 'email',
      message: 'email is required when preferredChannel is email',
    },
  })
  readonly email?: string;

  @IsOneOf(CONTACT_CHANNELS, { enumName: 'ContactChannel', example: 'text' })
  readonly preferredChannel!: ContactChannel;

  @IsOneOf(PREFERRED_TIMES, { enumName: 'PreferredTime', optional: true, example: 'evening' })
  readonly preferredTime?: PreferredTime;

  @IsServiceSlug({
    optional: true,
    description:
      'The slug of a published service (see `GET /api/v1/services`); an unknown or hidden one is 400 naming ' +
      '`serviceInterest`. The five former fixed values (`individual-therapy`, `couples-therapy`, `family-therapy`, ' +
      '`group-therapy`, `other`) are taken even while hidden: they were public before services were records.',
  })
  readonly serviceInterest?: string;

  @Matches(SLUG_PATTERN, { message: ({ property }) => `${property} must be lowercase words joined by single hyphens` })
  @IsText({
    max: 64,
    optional: true,
    emptyAsAbsent: true,
    example: 'harbor-street',
    description:
      'The slug of a published location (see `GET /api/v1/locations`); an unknown or hidden one is 400 naming ' +
      '`location`.',
  })
  readonly location?: string;

  @Matches(SLUG_PATTERN, { message: ({ property }) => `${property} must be lowercase words joined by single hyphens` })
  @IsText({
    max: 120,
    optional: true,
    emptyAsAbsent: true,
    example: 'elena-marsh',
    description:
      'The slug of a published practitioner (see `GET /api/v1/practitioners`); an unknown or hidden one is 400 ' +
      'naming `preferredPractitioner`.',
  })
  readonly preferredPractitioner?: string;

  @IsText({
    max: MAX_MESSAGE_LENGTH,
    optional: true,
    emptyAsAbsent: true,
    multiline: true,
    description: 'Anything you want us to know.',
    example: 'I would like to talk to someone about anxiety. Evenings work best.',
  })
  readonly message?: string;

  /** Must be `true`: you agree that the clinic contacts you. */
  @Equals(true, { message: ({ property }) => `${property} must be true: we can only reply if you agree` })
  @ApiProperty({ type: Boolean, enum: [true], example: true })
  readonly consentToContact!: true;

  /** Must be `true` when `preferredChannel` is `text`. */
  @IsFlag({
    optional: true,
    example: true,
    requiredWhen: { when: textChannel, message: TEXT_CONSENT },
    mustBeTrueWhen: { when: textChannel, message: TEXT_CONSENT },
  })
  readonly consentToText?: boolean;

  /** Anti-spam field hidden from people: leave it empty or out. */
  @IsOptional()
  @MaxLength(500)
  @IsString()
  @ApiPropertyOptional({ type: String, nullable: true, maxLength: 500, example: '' })
  readonly website?: string | null;
}

export class ListContactRequestsQuery extends PaginationQueryDto {
  @IsOneOf(CONTACT_REQUEST_STATUSES, { enumName: 'ContactRequestStatus', optional: true })
  readonly status?: ContactRequestStatus;

  @IsOneOf(CONTACT_CHANNELS, { enumName: 'ContactChannel', optional: true })
  readonly channel?: ContactChannel;

  @IsServiceSlug({ optional: true, description: 'Asked about this service (its slug).' })
  readonly serviceInterest?: string;

  @IsSlug({ maxLength: 64, optional: true, example: 'harbor-street', description: 'Named this location (its slug).' })
  readonly location?: string;

  @IsSlug({ maxLength: 120, optional: true, example: 'elena-marsh', description: 'Asked for this practitioner.' })
  readonly preferredPractitioner?: string;

  @IsInstant({ optional: true, description: 'Received at or after this instant.' })
  readonly from?: string;

  @IsInstant({ optional: true, description: 'Received at or before this instant.' })
  readonly to?: string;
}

/**
 * The list's filters and pagination plus a phone number and/or an email address. In a body, not a query string:
 * URLs end up in proxy and CDN logs, and these are the person's contact details.
 */
export class SearchContactRequestsRequest extends ListContactRequestsQuery {
  /** Exact match (normalized like submissions), found through the blind index. */
  @IsText({ max: 40, optional: true, example: '+14155552671' })
  readonly phone?: string;

  /** Exact match, case-insensitive, found through the blind index. */
  @IsEmailAddress({ optional: true })
  readonly email?: string;
}

/** Moves the status and/or (re)assigns the request. */
export class UpdateContactRequestRequest {
  @IsOneOf(CONTACT_REQUEST_STATUSES, {
    enumName: 'ContactRequestStatus',
    optional: true,
    description: 'new → in_progress → contacted → closed; any status → spam.',
  })
  readonly status?: ContactRequestStatus;

  @ValidateUUID({ optional: true, nullable: true, description: 'An active staff member; null unassigns.' })
  readonly assignedTo?: string | null;
}

export class CreateNoteRequest {
  @IsText({ max: MAX_NOTE_LENGTH, multiline: true, example: 'Left a voicemail; will try again at 6 pm.' })
  readonly body!: string;
}
