import { type AddressInfo, createServer, connect, type Server, type Socket } from 'node:net';

/** Where the proxy forwards to: a TCP address, or a Unix socket (the embedded test database may use one). */
export type ProxyTarget = { host: string; port: number } | { path: string };

/** One proxied connection; `upstream` is opened lazily when the client arrives during a partition. */
interface Link {
  client: Socket;
  upstream?: Socket;
}

/**
 * A loopback TCP proxy in front of the test database, so a test can make the database "go away" for the
 * app and come back, whatever the database is. Two faults:
 * - `cut()`: every connection is reset and new ones are dropped on arrival (a crash, a restart);
 * - `partition()`: connections stay open but no byte moves either way, and new connections are accepted but
 *   never answered (a network partition, a hung server). `heal()` delivers what was held and forwards again.
 */
export class TcpProxy {
  private readonly links = new Set<Link>();
  private readonly server: Server = createServer((client) => this.accept(client));
  private mode: 'up' | 'cut' | 'partitioned' = 'up';
  port = 0;

  private constructor(private readonly target: ProxyTarget) {}

  static async start(target: ProxyTarget): Promise<TcpProxy> {
    const proxy = new TcpProxy(target);
    await new Promise<void>((resolve) => proxy.server.listen(0, '127.0.0.1', resolve));
    proxy.port = (proxy.server.address() as AddressInfo).port;
    return proxy;
  }

  /** A proxy in front of the server a postgres:// URL names: host and port, or a socket directory. */
  static async for(databaseUrl: string): Promise<TcpProxy> {
    return TcpProxy.start(proxyTargetOf(databaseUrl));
  }

  /** The same database URL, routed through this proxy. */
  route(databaseUrl: string): string {
    const u = new URL(databaseUrl);
    u.searchParams.delete('host');
    u.hostname = '127.0.0.1';
    u.port = String(this.port);
    return u.toString();
  }

  /** The database vanishes: open connections are reset and new ones are dropped on arrival. */
  cut(): void {
    this.mode = 'cut';
    for (const link of this.links) this.drop(link);
  }

  restore(): void {
    this.heal();
  }

  /** The network stops carrying bytes; nothing is closed, nothing is refused. */
  partition(): void {
    this.mode = 'partitioned';
    for (const { client, upstream } of this.links) {
      if (!upstream) continue;
      client.unpipe(upstream);
      upstream.unpipe(client);
      client.pause();
      upstream.pause();
    }
  }

  /** Back to normal: bytes held during a partition are delivered, and connections opened meanwhile go through. */
  heal(): void {
    const wasPartitioned = this.mode === 'partitioned';
    this.mode = 'up';
    if (!wasPartitioned) return;
    for (const link of this.links) {
      if (link.upstream) this.forward(link.client, link.upstream);
      else this.open(link);
    }
  }

  /** Connections currently open through the proxy. */
  get connections(): number {
    return this.links.size;
  }

  async close(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(client: Socket): void {
    if (this.mode === 'cut') {
      client.destroy();
      return;
    }
    const link: Link = { client };
    this.links.add(link);
    client.on('error', () => this.drop(link));
    client.on('close', () => this.drop(link));
    if (this.mode === 'partitioned') client.pause();
    else this.open(link);
  }

  private open(link: Link): void {
    const upstream = 'path' in this.target ? connect(this.target.path) : connect(this.target.port, this.target.host);
    link.upstream = upstream;
    upstream.on('error', () => this.drop(link));
    upstream.on('close', () => this.drop(link));
    this.forward(link.client, upstream);
  }

  private forward(client: Socket, upstream: Socket): void {
    client.pipe(upstream);
    upstream.pipe(client);
  }

  private drop(link: Link): void {
    if (!this.links.delete(link)) return;
    link.client.destroy();
    link.upstream?.destroy();
  }
}

/** The server a postgres:// URL points at: `?host=/dir` or a percent-encoded `/dir` host is a Unix socket. */
export function proxyTargetOf(databaseUrl: string): ProxyTarget {
  const u = new URL(databaseUrl);
  const port = Number(u.port || 5432);
  const host = u.searchParams.get('host') ?? decodeURIComponent(u.hostname);
  if (host.startsWith('/')) return { path: `${host}/.s.PGSQL.${port}` };
  return { host: host || '127.0.0.1', port };
}
