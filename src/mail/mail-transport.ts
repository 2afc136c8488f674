import { createTransport } from 'nodemailer';
import type { AppConfig } from '../config/app-config.js';

/** One email as the transport sends it. */
export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  html: string;
  headers?: Record<string, string>;
}

/** Sends email; throws on failure (see `smtpFailure`). */
export abstract class MailTransport {
  abstract send(mail: OutgoingMail): Promise<void>;
  abstract close(): void;
}

/** Connect, greeting and socket timeouts: a silent server fails the attempt instead of holding its lease. */
const TIMEOUTS = { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000 } as const;

/**
 * Nodemailer over SMTP_URL: `smtp://` upgrades with STARTTLS whenever the server offers it, `smtps://` is TLS from the
 * first byte. A small pool of connections, reused across messages.
 */
export class SmtpTransport extends MailTransport {
  private readonly transport;

  constructor(url: string, from: string) {
    super();
    this.transport = createTransport({ url, pool: true, maxConnections: 2, ...TIMEOUTS, logger: false }, { from });
  }

  async send(mail: OutgoingMail): Promise<void> {
    await this.transport.sendMail(mail);
  }

  close(): void {
    this.transport.close();
  }
}

/** The transport of this configuration; undefined when email is off. */
export function mailTransportFor(config: AppConfig): MailTransport | undefined {
  const { smtpUrl, from } = config.mail;
  return smtpUrl && from ? new SmtpTransport(smtpUrl, from) : undefined;
}

/** How an attempt failed, for records and logs: codes only, never a server's text (it may quote an address). */
export interface SmtpFailure {
  /** `ECONNECTION`, `EENVELOPE` … and the SMTP reply code when there was one: `EENVELOPE 550`. */
  label: string;
  /** A 5xx reply about the message or its recipient: retrying will not help. */
  permanent: boolean;
}

export function smtpFailure(error: unknown): SmtpFailure {
  const e = error as { code?: unknown; responseCode?: unknown; name?: unknown } | null;
  const code = typeof e?.code === 'string' && /^[A-Z0-9_]{1,40}$/.test(e.code) ? e.code : undefined;
  const reply = typeof e?.responseCode === 'number' && Number.isInteger(e.responseCode) ? e.responseCode : undefined;
  const name = typeof e?.name === 'string' && /^[A-Za-z0-9_]{1,60}$/.test(e.name) ? e.name : 'Error';
  // Authentication and connection troubles are the server's or ours, not the message's: retried, whatever the code.
  const permanent = reply !== undefined && reply >= 500 && reply < 600 && (code === 'EENVELOPE' || code === 'EMESSAGE');
  return { label: [code ?? name, reply].filter((p) => p !== undefined).join(' '), permanent };
}
