import { Logger } from '@nestjs/common';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../config/app-config.js';
import { dataCipherFor } from './data-cipher.module.js';

const CONTEXT = 'contact_requests.name:test';

describe('dataCipherFor (embedded database, no DATA_ENCRYPTION_KEY)', () => {
  let dir: string;

  beforeAll(() => {
    Logger.overrideLogger(false); // the "generated a key" warning is expected here
  });

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'wellclinic-key-'));
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('gives one configuration one cipher, so seeding and the app share an in-memory key', () => {
    const config = loadConfig({ PGLITE_DATA_DIR: 'memory://' });
    const seeding = dataCipherFor(config);
    const serving = dataCipherFor(config);
    expect(serving).toBe(seeding);
    expect(serving.decrypt(seeding.encrypt('Ada', CONTEXT), CONTEXT)).toBe('Ada');
  });

  it('gives another in-memory database another key', () => {
    const first = dataCipherFor(loadConfig({ PGLITE_DATA_DIR: 'memory://' }));
    const second = dataCipherFor(loadConfig({ PGLITE_DATA_DIR: 'memory://' }));
    expect(second.currentKeyId).not.toBe(first.currentKeyId);
  });

  it('keeps a generated key beside the data directory (mode 0600) and reads it back after a restart', () => {
    const dataDir = join(dir, 'pglite');
    const before = dataCipherFor(loadConfig({ PGLITE_DATA_DIR: dataDir }));
    const keyFile = `${dataDir}.key`;
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(Buffer.from(readFileSync(keyFile, 'utf8').trim(), 'base64')).toHaveLength(32);

    const after = dataCipherFor(loadConfig({ PGLITE_DATA_DIR: `${dataDir}/` }));
    expect(after).not.toBe(before);
    expect(after.decrypt(before.encrypt('Ada', CONTEXT), CONTEXT)).toBe('Ada');
  });

  it('writes no key file when a key is configured', () => {
    const dataDir = join(dir, 'pglite');
    const key = Buffer.alloc(32, 3).toString('base64');
    const cipher = dataCipherFor(loadConfig({ PGLITE_DATA_DIR: dataDir, DATA_ENCRYPTION_KEY: key }));
    expect(existsSync(`${dataDir}.key`)).toBe(false);
    expect(cipher.decrypt(cipher.encrypt('Ada', CONTEXT), CONTEXT)).toBe('Ada');
  });
});
