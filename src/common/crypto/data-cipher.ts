import { createCipheriv, createDecipheriv, createHash, createHmac, hkdfSync, randomBytes } from 'node:crypto';

const VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;

interface KeySet {
  id: string;
  encryption: Buffer;
  index: Buffer;
}

function derive(key: Buffer, purpose: string): Buffer {
  return Buffer.from(hkdfSync('sha256', key, Buffer.alloc(0), `wellclinic:${purpose}`, 32));
}

/** A short, stable name for a key that reveals nothing about it. */
export function keyIdOf(key: Buffer): string {
  return createHash('sha256').update('wellclinic:key-id:').update(key).digest('base64url').slice(0, 8);
}

/**
 * Application-level encryption of personal fields: AES-256-GCM with a random 96-bit IV per value. A value is stored
 * as `v1.<keyId>.<iv>.<tag>.<ciphertext>` (base64url), so keys can rotate: new values use the current key, older
 * ones are read with the key they name until `npm run reencrypt` moves them. The `context` (table, column and row
 * id) is authenticated data: a ciphertext copied to another column or row no longer decrypts.
 *
 * Blind indexes are HMAC-SHA256 under a key derived from the data key, so staff can find equal values (the same
 * phone number) without decrypting; lookups try every known key, so they keep working during a rotation.
 */
export class DataCipher {
  private readonly current: KeySet;
  private readonly byId: Map<string, KeySet>;

  constructor(currentKey: Buffer, previousKeys: readonly Buffer[] = []) {
    const sets = [currentKey, ...previousKeys].map((key) => ({
      id: keyIdOf(key),
      encryption: derive(key, 'aes-256-gcm'),
      index: derive(key, 'blind-index'),
    }));
    this.current = sets[0];
    this.byId = new Map(sets.map((set) => [set.id, set]));
  }

  get currentKeyId(): string {
    return this.current.id;
  }

  encrypt(plaintext: string, context: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.current.encryption, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    const parts = [iv, cipher.getAuthTag(), body].map((part) => part.toString('base64url'));
    return [VERSION, this.current.id, ...parts].join('.');
  }

  /** Throws when the value is malformed, names an unknown key, or was altered or moved. */
  decrypt(stored: string, context: string): string {
    const [version, keyId, iv, tag, body, ...rest] = stored.split('.');
    const keys = this.byId.get(keyId);
    if (version !== VERSION || rest.length > 0 || body === undefined) throw new Error('not an encrypted value');
    if (!keys) throw new Error(`encrypted with an unknown key (${keyId}): add it to DATA_ENCRYPTION_KEYS`);
    const decipher = createDecipheriv('aes-256-gcm', keys.encryption, Buffer.from(iv, 'base64url'), {
      authTagLength: TAG_BYTES,
    });
    decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
  }

  /** The value under the current key: itself when it already is, else decrypted and encrypted again. */
  reencrypt(stored: string, context: string): string {
    return this.isCurrent(stored) ? stored : this.encrypt(this.decrypt(stored, context), context);
  }

  /** The prefix of every value stored under the current key (to find those that are not, in SQL). */
  get currentPrefix(): string {
    return `${VERSION}.${this.current.id}.`;
  }

  /** Whether a stored value already uses the current key. */
  isCurrent(stored: string): boolean {
    return stored.startsWith(`${VERSION}.${this.current.id}.`);
  }

  /** The blind index of a normalized value under the current key. */
  blindIndex(value: string, purpose: string): string {
    return blindIndexWith(this.current, value, purpose);
  }

  /** Its blind index under every known key: what a lookup matches while a rotation is under way. */
  blindIndexes(value: string, purpose: string): string[] {
    return [...this.byId.values()].map((keys) => blindIndexWith(keys, value, purpose));
  }
}

function blindIndexWith(keys: KeySet, value: string, purpose: string): string {
  // The purpose is length-prefixed, so no (purpose, value) pair can read as another.
  return createHmac('sha256', keys.index).update(`${purpose.length}:${purpose}:`).update(value, 'utf8').digest('hex');
}
