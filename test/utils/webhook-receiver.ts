import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export type Answer = number | 'hang';

/** A real HTTP receiver for webhook tests: records every request, answers from a script (then 200), or holds the response. */
export class Receiver {
  /** Text the receiver adds to its answers (tests check it never reaches a log). */
  bodyNote = 'hook-token-5f3a9c1e77';
  readonly requests: Received[] = [];
  private readonly script: Answer[] = [];
  private readonly pathScripts = new Map<string, Answer[]>();
  private readonly held: ServerResponse[] = [];
  private readonly waiters: { count: number; resolve: () => void }[] = [];
  private readonly server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      this.requests.push({
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      });
      const answer = this.pathScripts.get(req.url ?? '')?.shift() ?? this.script.shift() ?? this.fallback;
      if (answer === 'hang') this.held.push(res);
      else
        res
          .writeHead(answer, { 'content-type': 'text/plain' })
          .end(`receiver says ${answer}: ${this.bodyNote}${' '.repeat(this.padding)}`);
      for (const waiter of this.waiters.filter((w) => this.requests.length >= w.count)) waiter.resolve();
    });
  });
  /** The answer once the script is used up. */
  fallback: Answer = 200;
  /** How many TCP connections senders opened to it. */
  connections = 0;
  /** Bytes of padding added to each answer's body (a receiver that talks too much). */
  padding = 0;

  async start(): Promise<this> {
    this.server.on('connection', () => (this.connections += 1));
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return this;
  }

  get origin(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Answers the next requests with these, in order. */
  answer(...answers: Answer[]): void {
    this.script.push(...answers);
  }

  /**
   * Answers the next requests to this path (with its query string) with these, in order: for a test whose event
   * reaches several endpoints at once, in no set order.
   */
  answerFor(path: string, ...answers: Answer[]): void {
    this.pathScripts.set(path, [...(this.pathScripts.get(path) ?? []), ...answers]);
  }

  reset(): void {
    this.requests.length = 0;
    this.script.length = 0;
    this.pathScripts.clear();
    this.fallback = 200;
    this.padding = 0;
  }

  /** Resolves once `count` requests have arrived in total; fails after `timeoutMs` of real time. */
  received(count: number, timeoutMs = 10_000): Promise<void> {
    if (this.requests.length >= count) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`receiver got ${this.requests.length} of ${count} requests`)),
        timeoutMs,
      );
      this.waiters.push({ count, resolve: () => (clearTimeout(timer), resolve()) });
    });
  }

  /** Answers every request held so far. */
  release(status: number): void {
    for (const res of this.held.splice(0)) res.writeHead(status).end();
  }

  async stop(): Promise<void> {
    for (const res of this.held) res.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** A URL nothing listens on: connections are refused. */
export async function refusedUrl(): Promise<string> {
  const probe = await new Receiver().start();
  const url = `${probe.origin}/hooks/down`;
  await probe.stop();
  return url;
}
