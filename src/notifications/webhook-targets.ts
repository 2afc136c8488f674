import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import { lookup as dnsLookup } from 'node:dns/promises';
import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { LookupAddress, LookupOneOptions } from 'node:dns';
import type { LookupFunction } from 'node:net';
import { AppConfig } from '../config/app-config.js';
import { literalAddressOf, refusedAddressRange, refusedMessage, webhookUrlProblem } from './webhook-url.js';

/** The error (`code`) of a connection refused because its target is internal; `lastError` shows the code. */
export class RefusedTargetError extends Error {
  readonly code = 'REFUSED_ADDRESS';

  constructor(readonly range: string) {
    super(`webhook target refused: ${range} address`);
    this.name = 'RefusedTargetError';
  }
}

export interface WebhookPost {
  url: string;
  headers: Record<string, string>;
  body: string;
  signal: AbortSignal;
}

/** How much of a receiver's answer is read (and thrown away) so its connection can carry the next delivery. */
const MAX_DISCARDED_BODY_BYTES = 64 * 1024;
/**
 * An idle kept-alive connection is closed after this long: below the 5 s a Node receiver keeps one open (its
 * `keepAliveTimeout`), so a delivery is not sent on a connection the receiver is closing at that moment (a reset,
 * counted as a failed attempt).
 */
const IDLE_CONNECTION_MS = 4_000;

/**
 * Where webhooks may go (server-side request forgery): `https` to public addresses only, unless
 * WEBHOOK_ALLOW_PRIVATE_TARGETS. Checked when an endpoint is saved (a clear 400) and again when each connection is
 * made: the socket connects to exactly the addresses that were checked (the lookup it is given refuses internal
 * ones), so a name that answers differently the second time (DNS rebinding) cannot reach an internal host.
 * Connections are kept alive and reused for the next deliveries to the same host: a reused connection is one that
 * was checked when it was made, still to the same address.
 */
@Injectable()
export class WebhookTargets implements OnModuleDestroy {
  private readonly agents = {
    http: new HttpAgent({ keepAlive: true, timeout: IDLE_CONNECTION_MS }),
    https: new HttpsAgent({ keepAlive: true, timeout: IDLE_CONNECTION_MS }),
  };

  constructor(private readonly config: AppConfig) {}

  onModuleDestroy(): void {
    this.agents.http.destroy();
    this.agents.https.destroy();
  }

  private get allowPrivate(): boolean {
    return this.config.notifications.allowPrivateTargets;
  }

  /** The addresses a name resolves to (the system resolver; tests replace it to script DNS answers). */
  resolve(hostname: string): Promise<LookupAddress[]> {
    return dnsLookup(hostname, { all: true, verbatim: true });
  }

  /** Why an endpoint may not have this URL (a message naming `url`), or null: scheme, IP literal, resolved names. */
  async problemOf(url: string): Promise<string | null> {
    const problem = webhookUrlProblem(url, this.allowPrivate);
    if (problem || this.allowPrivate) return problem;
    const { hostname } = new URL(url);
    if (literalAddressOf(hostname) !== null) return null;
    let addresses: LookupAddress[];
    try {
      addresses = await this.resolve(hostname);
    } catch {
      return 'url must have a host name that resolves';
    }
    const range = firstRefused(addresses);
    return range ? refusedMessage(range) : null;
  }

  /** POSTs without following redirects; resolves with the status code. The target is checked as it connects. */
  post({ url, headers, body, signal }: WebhookPost): Promise<number> {
    const problem = webhookUrlProblem(url, this.allowPrivate);
    if (problem) {
      const literal = literalAddressOf(new URL(url).hostname);
      return Promise.reject(new RefusedTargetError(literal ? (refusedAddressRange(literal) ?? 'scheme') : 'scheme'));
    }
    const https = url.startsWith('https:');
    const send = https ? httpsRequest : httpRequest;
    return new Promise<number>((resolve, reject) => {
      const req = send(url, {
        method: 'POST',
        headers: { ...headers, 'Content-Length': String(Buffer.byteLength(body)) },
        // Every new connection goes through the checked lookup.
        agent: https ? this.agents.https : this.agents.http,
        lookup: this.allowPrivate ? undefined : this.guardedLookup,
        signal,
      });
      req.once('response', (res) => {
        resolve(res.statusCode ?? 0);
        // The body is never kept: nothing a receiver says ends up in a record or a log. It is read and dropped so
        // the connection can be reused, up to a bound (a receiver that goes on talking loses its connection).
        let read = 0;
        res.on('data', (chunk: Buffer) => {
          read += chunk.length;
          if (read > MAX_DISCARDED_BODY_BYTES) res.destroy();
        });
        res.on('error', () => undefined);
      });
      req.once('error', reject);
      req.end(body);
    });
  }

  /** A `net` lookup that resolves through `resolve` and fails when any address is internal. */
  readonly guardedLookup: LookupFunction = (hostname, options, callback) => {
    const { family, all } = options as LookupOneOptions & { all?: boolean };
    this.resolve(hostname).then(
      (found) => {
        const addresses = found.filter((a) => !family || a.family === family);
        const range = addresses.length === 0 ? 'unresolved' : firstRefused(addresses);
        if (range) {
          callback(new RefusedTargetError(range), '', 0);
        } else if (all) {
          (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
        } else {
          callback(null, addresses[0].address, addresses[0].family);
        }
      },
      (error: NodeJS.ErrnoException) => callback(error, '', 0),
    );
  };
}

function firstRefused(addresses: readonly LookupAddress[]): string | null {
  for (const { address } of addresses) {
    const range = refusedAddressRange(address);
    if (range) return range;
  }
  return null;
}
