import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';

/** A due message waiting longer than this means sending does not keep up (or cannot happen). */
export const MAIL_BACKLOG_DEGRADED_SECONDS = 15 * 60;

export type MailHealthState = { status: 'off' } | { status: 'up' } | { status: 'degraded'; message: string };

/**
 * Email's part of `/health`, from what the dispatcher last saw: never a connection to the SMTP server, so the probe
 * cannot hang on it. `degraded` (never failing readiness: every instance shares the server) when the last send
 * failed or a due message has waited too long.
 */
@Injectable()
export class MailHealth {
  private lastSendFailed: string | undefined;
  private oldestDueSeconds = 0;

  constructor(private readonly config: AppConfig) {}

  /** After each send: the failure's label, or undefined when it went through. */
  recordSend(failure: string | undefined): void {
    this.lastSendFailed = failure;
  }

  recordBacklog(oldestDueSeconds: number): void {
    this.oldestDueSeconds = oldestDueSeconds;
  }

  state(): MailHealthState {
    if (this.config.mail.smtpUrl === undefined) return { status: 'off' };
    if (this.lastSendFailed !== undefined) {
      return { status: 'degraded', message: `The last email could not be sent (${this.lastSendFailed}); retrying` };
    }
    if (this.oldestDueSeconds > MAIL_BACKLOG_DEGRADED_SECONDS) {
      return {
        status: 'degraded',
        message: `An email has waited ${Math.round(this.oldestDueSeconds / 60)} minutes to be sent`,
      };
    }
    return { status: 'up' };
  }
}
