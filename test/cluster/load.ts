import { randomInt, randomUUID } from 'node:crypto';
import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import { CONTACT_REQUESTS, contactRequestBody } from '../factories/contact-requests.js';

/**
 * Continuous traffic through the load balancer, as a website's visitors make it: public reads, and contact
 * submissions that carry an `Idempotency-Key`. A submission that fails (a connection error, a 5xx) is sent again
 * with the same key and body, as a real client retries; every attempt is recorded, so a scenario can count the raw
 * failures (attempts) and the final ones (submissions that never got their 201).
 */

const READS = ['/api/v1/articles', '/api/v1/hours'] as const;
/** A client gives up on a request after this long (a failure). */
const REQUEST_TIMEOUT_MS = 10_000;
/** A failed submission is sent this many times in all, the retries spaced by RETRY_DELAY_MS. */
const SUBMIT_ATTEMPTS = 5;
const RETRY_DELAY_MS = 200;

export interface Attempt {
  /** performance.now() when it was sent and when it ended. */
  sentAt: number;
  endedAt: number;
  method: 'GET' | 'POST';
  path: string;
  /** The HTTP status, or undefined when the connection failed (then `error` says how). */
  status?: number;
  error?: string;
  /** HAProxy's X-Served-By: which instance answered. */
  servedBy?: string;
}

export interface Submission {
  key: string;
  attempts: Attempt[];
  /** The 201's reference, from the first answer or a replay. */
  reference?: string;
  /** Every reference its 201s named (more than one would be two stored requests for one key). */
  references: Set<string>;
  replays: number;
}

export function failed(attempt: Attempt): boolean {
  return attempt.status === undefined || attempt.status >= 500;
}

export interface LoadOptions {
  baseUrl: string;
  /** Concurrent clients, each one request at a time on its own kept-alive connection. */
  clients: number;
  /** Each client's pause between requests. */
  pauseMs: number;
  /** One request in this many is a submission. */
  submitEvery: number;
}

export class Load {
  readonly reads: Attempt[] = [];
  readonly submissions: Submission[] = [];
  /**
   * The visitor address the requests carry in X-Forwarded-For, which the instances believe because it comes from
   * 127.0.0.1 (their TRUST_PROXY), as from a website's server: a fresh one per run, so its rate-limit counters and
   * idempotency keys are its own.
   */
  readonly visitorIp = `198.18.${randomInt(256)}.${randomInt(1, 255)}`;
  private running = true;
  private readonly clients: Promise<void>[];
  private readonly agents: Agent[];

  constructor(private readonly options: LoadOptions) {
    this.agents = Array.from({ length: options.clients }, () => new Agent({ keepAlive: true, maxSockets: 1 }));
    this.clients = this.agents.map((agent, i) => this.client(agent, i));
  }

  /** Stops sending; resolves when every client's last request (and its retries) has ended. */
  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.clients);
    this.agents.forEach((agent) => agent.destroy());
  }

  /** Requests answered so far: reads and submission attempts. */
  get sent(): number {
    return this.reads.length + this.submissions.reduce((n, s) => n + s.attempts.length, 0);
  }

  get attempts(): Attempt[] {
    return [...this.reads, ...this.submissions.flatMap((s) => s.attempts)];
  }

  /** The figures every scenario prints. */
  summary(): LoadSummary {
    const submissionAttempts = this.submissions.flatMap((s) => s.attempts);
    const acknowledged = this.submissions.filter((s) => s.reference !== undefined);
    return {
      requests: this.reads.length + submissionAttempts.length,
      reads: this.reads.length,
      readFailures: this.reads.filter(failed).length,
      submissions: this.submissions.length,
      submissionAttempts: submissionAttempts.length,
      rawSubmissionFailures: submissionAttempts.filter(failed).length,
      finalSubmissionFailures: this.submissions.length - acknowledged.length,
      acknowledged: acknowledged.length,
      replays: this.submissions.reduce((n, s) => n + s.replays, 0),
      servedBy: countBy(this.attempts, (a) => a.servedBy ?? '(none)'),
    };
  }

  private async client(agent: Agent, index: number): Promise<void> {
    for (let i = index; this.running; i++) {
      if (i % this.options.submitEvery === this.options.submitEvery - 1) {
        await this.submit(agent, i);
      } else {
        this.reads.push(await this.send(agent, 'GET', READS[i % READS.length]));
      }
      await new Promise((resolve) => setTimeout(resolve, this.options.pauseMs));
    }
  }

  private async submit(agent: Agent, i: number): Promise<void> {
    const submission: Submission = { key: randomUUID(), attempts: [], references: new Set(), replays: 0 };
    this.submissions.push(submission);
    const body = JSON.stringify(
      contactRequestBody({
        name: `Cluster Visitor ${this.submissions.length}`,
        phone: `(202) 555-01${String(i % 100).padStart(2, '0')}`,
        message: `Load ${submission.key}`,
        // The cluster's database has no published service (the migrated ones are hidden): name none.
        serviceInterest: undefined,
      }),
    );
    for (let attempt = 1; attempt <= SUBMIT_ATTEMPTS; attempt++) {
      const result = await this.send(agent, 'POST', CONTACT_REQUESTS, body, submission.key);
      submission.attempts.push(result.attempt);
      if (result.attempt.status === 201) {
        const { reference } = JSON.parse(result.body) as { reference: string };
        submission.reference ??= reference;
        submission.references.add(reference);
        if (result.replayed) submission.replays++;
        return;
      }
      // A 4xx is the client's own fault: retrying it would not help, and would hide a bug.
      if (!failed(result.attempt)) return;
      await new Promise((resolve) => setTimeout(resolve, RETRY_DELAY_MS));
    }
  }

  private send(agent: Agent, method: 'GET', path: string): Promise<Attempt>;
  private send(
    agent: Agent,
    method: 'POST',
    path: string,
    body: string,
    key: string,
  ): Promise<{ attempt: Attempt; body: string; replayed: boolean }>;
  private send(
    agent: Agent,
    method: 'GET' | 'POST',
    path: string,
    body?: string,
    key?: string,
  ): Promise<Attempt | { attempt: Attempt; body: string; replayed: boolean }> {
    const sentAt = performance.now();
    const headers: Record<string, string | number> = { 'x-forwarded-for': this.visitorIp };
    if (body !== undefined) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = Buffer.byteLength(body);
      headers['idempotency-key'] = key!;
    }
    return new Promise((resolve) => {
      const done = (attempt: Omit<Attempt, 'sentAt' | 'endedAt' | 'method' | 'path'>, text = '', replayed = false) => {
        const full: Attempt = { sentAt, endedAt: performance.now(), method, path, ...attempt };
        resolve(method === 'GET' ? full : { attempt: full, body: text, replayed });
      };
      const req = request(`${this.options.baseUrl}${path}`, { method, agent, headers }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () =>
          done(
            { status: res.statusCode, servedBy: res.headers['x-served-by'] as string | undefined },
            text,
            res.headers['idempotent-replayed'] === 'true',
          ),
        );
        res.on('error', (error) => done({ error: error.message }));
      });
      req.setTimeout(REQUEST_TIMEOUT_MS, () => req.destroy(new Error(`no answer in ${REQUEST_TIMEOUT_MS} ms`)));
      req.on('error', (error: NodeJS.ErrnoException) => done({ error: error.code ?? error.message }));
      req.end(body);
    });
  }
}

export interface LoadSummary {
  requests: number;
  reads: number;
  readFailures: number;
  submissions: number;
  submissionAttempts: number;
  rawSubmissionFailures: number;
  finalSubmissionFailures: number;
  acknowledged: number;
  replays: number;
  servedBy: Record<string, number>;
}

export function countBy<T>(items: T[], key: (item: T) => string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const item of items) counts[key(item)] = (counts[key(item)] ?? 0) + 1;
  return counts;
}

/** What went wrong, grouped: `GET /api/v1/hours ECONNRESET ×2`. */
export function describeFailures(attempts: Attempt[]): string {
  const counts = countBy(attempts.filter(failed), (a) => `${a.method} ${a.path} ${a.status ?? a.error}`);
  return (
    Object.entries(counts)
      .map(([what, n]) => `${what} ×${n}`)
      .join(', ') || 'none'
  );
}
