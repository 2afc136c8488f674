import { jest } from '@jest/globals';
import type { LookupAddress } from 'node:dns';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AppConfig } from '../config/app-config.js';
import { RefusedTargetError, WebhookTargets } from './webhook-targets.js';

const configWith = (allowPrivateTargets: boolean) => ({ notifications: { allowPrivateTargets } }) as AppConfig;

/** Calls the guarded lookup as `net` does, with `all` or without. */
function lookup(
  targets: WebhookTargets,
  options: { all?: boolean; family?: number },
): Promise<{ error: NodeJS.ErrnoException | null; result: unknown }> {
  return new Promise((resolve) => {
    targets.guardedLookup('hooks.example', options, (error: NodeJS.ErrnoException | null, ...result: unknown[]) =>
      resolve({ error, result: options.all ? result[0] : result }),
    );
  });
}

describe('WebhookTargets', () => {
  const PUBLIC: LookupAddress = { address: '93.184.215.14', family: 4 };
  const PUBLIC6: LookupAddress = { address: '2606:2800:21f:cb07:6820:80da:af6b:8b2c', family: 6 };

  it('passes public addresses through, as one address or all of them, per family', async () => {
    const targets = new WebhookTargets(configWith(false));
    jest.spyOn(targets, 'resolve').mockResolvedValue([PUBLIC, PUBLIC6]);
    expect(await lookup(targets, {})).toEqual({ error: null, result: ['93.184.215.14', 4] });
    expect(await lookup(targets, { all: true })).toEqual({ error: null, result: [PUBLIC, PUBLIC6] });
    expect(await lookup(targets, { all: true, family: 6 })).toEqual({ error: null, result: [PUBLIC6] });
  });

  it('fails the connection when any answer is internal, and on every later answer (no caching)', async () => {
    const targets = new WebhookTargets(configWith(false));
    const resolve = jest
      .spyOn(targets, 'resolve')
      .mockResolvedValueOnce([PUBLIC])
      .mockResolvedValueOnce([PUBLIC, { address: '10.0.0.7', family: 4 }])
      .mockResolvedValue([{ address: '::1', family: 6 }]);
    expect((await lookup(targets, {})).error).toBeNull();
    const mixed = await lookup(targets, { all: true });
    expect(mixed.error).toBeInstanceOf(RefusedTargetError);
    expect(mixed.error).toMatchObject({ code: 'REFUSED_ADDRESS', range: 'private' });
    expect((await lookup(targets, {})).error).toMatchObject({ code: 'REFUSED_ADDRESS', range: 'loopback' });
    expect(resolve).toHaveBeenCalledTimes(3);
  });

  it('refuses an IPv4-compatible answer as the resolver prints it (::8.8.8.8), whatever IPv4 address it embeds', async () => {
    const targets = new WebhookTargets(configWith(false));
    jest.spyOn(targets, 'resolve').mockResolvedValue([{ address: '::8.8.8.8', family: 6 }]);
    expect((await lookup(targets, {})).error).toMatchObject({ code: 'REFUSED_ADDRESS', range: 'notGlobalUnicast' });
    expect(await targets.problemOf('https://hooks.example/hook')).toBe(
      'url must not point to a loopback, private, link-local or other internal address (notGlobalUnicast)',
    );
  });

  it('passes resolver errors on', async () => {
    const targets = new WebhookTargets(configWith(false));
    const notFound = Object.assign(new Error('getaddrinfo ENOTFOUND'), { code: 'ENOTFOUND' });
    jest.spyOn(targets, 'resolve').mockRejectedValue(notFound);
    expect((await lookup(targets, {})).error).toBe(notFound);
  });

  describe('post', () => {
    let server: Server;
    let origin: string;
    const received: string[] = [];

    beforeAll(async () => {
      server = createServer((req, res) => {
        received.push(req.url ?? '');
        res.writeHead(302, { location: 'http://127.0.0.1:1/elsewhere' }).end('body is never read');
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    const post = (targets: WebhookTargets, url: string) =>
      targets.post({
        url,
        body: '{}',
        headers: { 'Content-Type': 'application/json' },
        signal: AbortSignal.timeout(5000),
      });

    it('answers the status without following a redirect, when private targets are allowed', async () => {
      expect(await post(new WebhookTargets(configWith(true)), `${origin}/hook`)).toBe(302);
      expect(received).toEqual(['/hook']);
    });

    it('refuses plain http and internal IP literals without connecting otherwise', async () => {
      const targets = new WebhookTargets(configWith(false));
      await expect(post(targets, `${origin}/hook`)).rejects.toMatchObject({ code: 'REFUSED_ADDRESS' });
      await expect(post(targets, 'https://127.0.0.1:1/hook')).rejects.toMatchObject({
        code: 'REFUSED_ADDRESS',
        range: 'loopback',
      });
      expect(received).toEqual(['/hook']);
    });
  });
});
