import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/** One message as the SMTP server received it: the envelope, the raw bytes and the parsed message. */
export interface ReceivedMail {
  envelopeTo: string[];
  raw: string;
  parsed: ParsedMail;
}

/**
 * A real SMTP server (the Nodemailer project's `smtp-server`) on 127.0.0.1, keeping every message it accepts. It
 * can be stopped (connections refused) and started again on the same port, to play an SMTP outage; it refuses the
 * addresses in `refused` for good (550), as a server does a mistyped mailbox.
 */
export class SmtpSink {
  readonly received: ReceivedMail[] = [];
  readonly refused = new Set<string>();
  /** Runs when a message has been received, before the server answers the client that sent it. */
  onReceived: ((mail: ReceivedMail) => Promise<void>) | undefined;
  private server: SMTPServer | undefined;
  private port = 0;

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  /** Listens (again, on the same port after `stop`); does nothing while it listens. */
  async start(): Promise<void> {
    if (this.server) return;
    const server = new SMTPServer({
      // Plain SMTP on loopback: nodemailer would upgrade to STARTTLS if offered, against a self-signed certificate.
      disabledCommands: ['STARTTLS', 'AUTH'],
      authOptional: true,
      logger: false,
      closeTimeout: 50,
      onRcptTo: (address, _session, callback) => {
        if (!this.refused.has(address.address)) return callback();
        callback(Object.assign(new Error('No such mailbox'), { responseCode: 550 }));
      },
      onData: (stream, session, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          const raw = Buffer.concat(chunks).toString('utf8');
          simpleParser(raw).then(
            (parsed) => {
              const mail = { envelopeTo: session.envelope.rcptTo.map((r) => r.address), raw, parsed };
              this.received.push(mail);
              (this.onReceived?.(mail) ?? Promise.resolve()).then(
                () => callback(),
                (error: Error) => callback(error),
              );
            },
            (error: Error) => callback(error),
          );
        });
      },
    });
    server.listen(this.port, '127.0.0.1');
    await once(server.server, 'listening');
    this.port = (server.server.address() as AddressInfo).port;
    this.server = server;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Messages sent to `address` (envelope). */
  to(address: string): ReceivedMail[] {
    return this.received.filter((m) => m.envelopeTo.includes(address));
  }
}
