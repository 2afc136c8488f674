import { Logger, Module } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { AppConfig } from '../../config/app-config.js';
import { DataCipher } from './data-cipher.js';

/**
 * The embedded database's key when none is configured: generated once and kept beside the database directory as
 * `<PGLITE_DATA_DIR>.key` (mode 0600), so the demo's encrypted rows stay readable across restarts. An in-memory
 * database gets a fresh key.
 */
export function embeddedDataKey(pgliteDataDir: string): Buffer {
  if (pgliteDataDir === 'memory://') return randomBytes(32);
  const file = `${pgliteDataDir.replace(/[\\/]+$/, '')}.key`;
  if (existsSync(file)) return Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
  const key = randomBytes(32);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${key.toString('base64')}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  new Logger('DataCipher').warn(
    `Embedded mode: generated the data encryption key in ${file}. Set DATA_ENCRYPTION_KEY for any real deployment.`,
  );
  return key;
}

const ciphers = new WeakMap<AppConfig, DataCipher>();

/**
 * The cipher of a configuration, made once: the boot's demo seeding and the app's providers must share it, or an
 * in-memory database would seed under one generated key and read under another.
 */
export function dataCipherFor(config: AppConfig): DataCipher {
  let cipher = ciphers.get(config);
  if (!cipher) {
    const { currentKey, previousKeys } = config.dataEncryption;
    cipher = new DataCipher(currentKey ?? embeddedDataKey(config.database.pgliteDataDir), previousKeys);
    ciphers.set(config, cipher);
  }
  return cipher;
}

/** Imported by the features that keep personal data (contact requests). */
@Module({
  providers: [{ provide: DataCipher, useFactory: dataCipherFor, inject: [AppConfig] }],
  exports: [DataCipher],
})
export class DataCipherModule {}
