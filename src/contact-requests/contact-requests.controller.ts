import { Body, Controller, Headers, HttpCode, Post, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { AuditContext } from '../common/audit/audit-log.js';
import { Audit, Public } from '../common/access/decorators.js';
import { ApiProblems } from '../common/openapi/api-problems.js';
import { ClientIp, SubmissionRateLimit } from '../rate-limit/index.js';
import { ContactRequestsService } from './contact-requests.service.js';
import { CreateContactRequestRequest } from './dto/contact-request.requests.js';
import { ContactRequestReceiptResponse } from './dto/contact-request.responses.js';

/** "Send us a text!" There is deliberately no public way to read a request back. */
@ApiTags('contact-requests')
@Public()
@Controller('contact-requests')
export class ContactRequestsController {
  constructor(private readonly requests: ContactRequestsService) {}

  /**
   * Stores the request (encrypted) and answers with a reference and when to expect a reply, from the opening hours.
   * Send an `Idempotency-Key` to retry safely: the same key and body replay the first answer
   * (`Idempotent-Replayed: true`); the same key with another body is 422; keys last 24 hours. A key is yours alone:
   * it is scoped to your credential or, without one, to your IP address, so the same key from another client is a
   * different key (retry from the same network).
   *
   * `serviceInterest`, `location` and `preferredPractitioner` name published records only: one that is hidden is
   * refused exactly as one that does not exist (400 naming the field), so a hidden draft cannot be found by trying.
   * The five services of the former fixed list are taken even while hidden (their slugs were public).
   */
  @Post()
  @HttpCode(201)
  @SubmissionRateLimit()
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description:
      'Any unique string (a UUID) per request; reuse it only to retry that same request, from the same client ' +
      '(credential, or IP address without one): another client never meets your key.',
  })
  @ApiOperation({ operationId: 'createContactRequest', summary: 'Ask the clinic to contact you' })
  @ApiCreatedResponse({
    type: ContactRequestReceiptResponse,
    headers: {
      'Idempotent-Replayed': {
        description: '`true` when this answers an earlier request with the same key.',
        schema: { type: 'string', enum: ['true'] },
      },
    },
  })
  @ApiProblems('validation_failed', 'unprocessable_entity')
  async create(
    @Body() body: CreateContactRequestRequest,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Audit() ctx: AuditContext,
    @ClientIp() ip: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ContactRequestReceiptResponse> {
    const { receipt, replayed } = await this.requests.submit(body, { key: idempotencyKey, ip }, ctx);
    if (replayed) void reply.header('idempotent-replayed', 'true');
    return receipt;
  }
}
