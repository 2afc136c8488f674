import fc from 'fast-check';
import { DataCipher, keyIdOf } from './data-cipher.js';

const OLD_KEY = Buffer.alloc(32, 7);
const NEW_KEY = Buffer.alloc(32, 9);
const OTHER_KEY = Buffer.alloc(32, 11);
const CONTEXT = 'contact_requests.phone:6f1d3c2a-0b1e-4c5d-8e9f-0a1b2c3d4e5f';
const SECRET = '+14155552671';

const B64URL = /^[A-Za-z0-9_-]*$/;

/** The five dot-separated parts of a stored value, decoded. */
function partsOf(stored: string) {
  const [version, keyId, iv, tag, body] = stored.split('.');
  return {
    version,
    keyId,
    iv: Buffer.from(iv, 'base64url'),
    tag: Buffer.from(tag, 'base64url'),
    body: Buffer.from(body, 'base64url'),
  };
}

function join(version: string, keyId: string, iv: Buffer, tag: Buffer, body: Buffer): string {
  return [version, keyId, iv.toString('base64url'), tag.toString('base64url'), body.toString('base64url')].join('.');
}

/** The error a call throws (fails the test when it throws nothing). */
function thrown(call: () => unknown): Error {
  try {
    call();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the call to throw');
}

describe('DataCipher', () => {
  const cipher = new DataCipher(OLD_KEY);

  describe('encrypt and decrypt', () => {
    it('round-trips any text, in the same context', () => {
      fc.assert(
        fc.property(fc.string({ unit: 'binary' }), fc.string(), (plaintext, context) => {
          expect(cipher.decrypt(cipher.encrypt(plaintext, context), context)).toBe(plaintext);
        }),
      );
    });

    it('round-trips the empty string and long text', () => {
      expect(cipher.decrypt(cipher.encrypt('', CONTEXT), CONTEXT)).toBe('');
      const long = 'Ünïcødé 🙂 '.repeat(2000);
      expect(cipher.decrypt(cipher.encrypt(long, CONTEXT), CONTEXT)).toBe(long);
    });

    it('uses a fresh IV each time: the same value encrypts differently', () => {
      const a = cipher.encrypt(SECRET, CONTEXT);
      const b = cipher.encrypt(SECRET, CONTEXT);
      expect(a).not.toBe(b);
      expect(partsOf(a).iv.equals(partsOf(b).iv)).toBe(false);
      expect(partsOf(a).body.equals(partsOf(b).body)).toBe(false);
    });

    it('stores v1.<keyId>.<iv>.<tag>.<ciphertext> in base64url, with a 96-bit IV and a 128-bit tag', () => {
      const stored = cipher.encrypt(SECRET, CONTEXT);
      const raw = stored.split('.');
      expect(raw).toHaveLength(5);
      for (const part of raw) expect(part).toMatch(B64URL);
      const parts = partsOf(stored);
      expect(parts.version).toBe('v1');
      expect(parts.keyId).toBe(keyIdOf(OLD_KEY));
      expect(parts.iv).toHaveLength(12);
      expect(parts.tag).toHaveLength(16);
      expect(parts.body).toHaveLength(Buffer.byteLength(SECRET));
    });

    it('never contains the plaintext, in the clear or in base64', () => {
      fc.assert(
        fc.property(fc.string({ minLength: 4 }), (plaintext) => {
          const stored = cipher.encrypt(plaintext, CONTEXT);
          expect(stored).not.toContain(plaintext);
          expect(stored).not.toContain(Buffer.from(plaintext).toString('base64url'));
          expect(partsOf(stored).body.includes(Buffer.from(plaintext))).toBe(false);
        }),
      );
    });

    it('refuses a value moved to another column or another row (the context is authenticated)', () => {
      const stored = cipher.encrypt(SECRET, 'contact_requests.phone:row-1');
      expect(() => cipher.decrypt(stored, 'contact_requests.email:row-1')).toThrow();
      expect(() => cipher.decrypt(stored, 'contact_requests.phone:row-2')).toThrow();
      expect(() => cipher.decrypt(stored, '')).toThrow();
      expect(cipher.decrypt(stored, 'contact_requests.phone:row-1')).toBe(SECRET);
    });

    it('refuses any other context', () => {
      fc.assert(
        fc.property(fc.string(), fc.string(), (context, other) => {
          fc.pre(context !== other);
          expect(() => cipher.decrypt(cipher.encrypt(SECRET, context), other)).toThrow();
        }),
        { numRuns: 50 },
      );
    });

    it('refuses a tampered ciphertext, tag or IV', () => {
      const stored = cipher.encrypt(SECRET, CONTEXT);
      const { version, keyId, iv, tag, body } = partsOf(stored);
      const flip = (buffer: Buffer, index: number) => {
        const copy = Buffer.from(buffer);
        copy[index] ^= 0x01;
        return copy;
      };
      for (let i = 0; i < body.length; i++) {
        expect(() => cipher.decrypt(join(version, keyId, iv, tag, flip(body, i)), CONTEXT)).toThrow();
      }
      for (let i = 0; i < tag.length; i++) {
        expect(() => cipher.decrypt(join(version, keyId, iv, flip(tag, i), body), CONTEXT)).toThrow();
      }
      expect(() => cipher.decrypt(join(version, keyId, flip(iv, 0), tag, body), CONTEXT)).toThrow();
      expect(() => cipher.decrypt(join(version, keyId, iv, tag.subarray(0, 12), body), CONTEXT)).toThrow();
      expect(() => cipher.decrypt(join(version, keyId, iv, Buffer.alloc(0), body), CONTEXT)).toThrow();
      expect(() => cipher.decrypt(join(version, keyId, iv, tag, body.subarray(1)), CONTEXT)).toThrow();
    });

    it.each([
      ['an empty string', ''],
      ['plain text', 'hello'],
      ['too few parts', 'v1.abcdefgh.iv.tag'],
      ['too many parts', 'v1.abcdefgh.iv.tag.body.extra'],
      ['another version', 'v2.abcdefgh.iv.tag.body'],
    ])('refuses %s as not an encrypted value', (_case, stored) => {
      expect(() => cipher.decrypt(stored, CONTEXT)).toThrow('not an encrypted value');
    });

    it('refuses another version of a real value', () => {
      const stored = cipher.encrypt(SECRET, CONTEXT);
      expect(() => cipher.decrypt(stored.replace(/^v1\./, 'v2.'), CONTEXT)).toThrow('not an encrypted value');
    });

    it('names DATA_ENCRYPTION_KEYS when a value uses an unknown key, without revealing the value', () => {
      const stored = new DataCipher(OTHER_KEY).encrypt(SECRET, CONTEXT);
      const error = thrown(() => cipher.decrypt(stored, CONTEXT));
      expect(error.message).toBe(
        `encrypted with an unknown key (${keyIdOf(OTHER_KEY)}): add it to DATA_ENCRYPTION_KEYS`,
      );
      expect(error.message).not.toContain(SECRET);
      expect(error.message).not.toContain(partsOf(stored).body.toString('base64url'));
    });

    it('never puts the plaintext or the context in the message of any decryption error', () => {
      const stored = cipher.encrypt(SECRET, CONTEXT);
      const { version, keyId, iv, tag, body } = partsOf(stored);
      body[0] ^= 0xff;
      for (const call of [
        () => cipher.decrypt(stored, 'contact_requests.phone:other-row'),
        () => cipher.decrypt(join(version, keyId, iv, tag, body), CONTEXT),
        () => new DataCipher(OTHER_KEY).decrypt(stored, CONTEXT),
      ]) {
        const message = thrown(call).message;
        expect(message).not.toContain(SECRET);
        expect(message).not.toContain('contact_requests');
      }
    });
  });

  describe('key rotation', () => {
    const oldCipher = new DataCipher(OLD_KEY);
    const rotated = new DataCipher(NEW_KEY, [OLD_KEY]);

    it('encrypts with the first key and still reads values of the previous keys', () => {
      const old = oldCipher.encrypt(SECRET, CONTEXT);
      const fresh = rotated.encrypt(SECRET, CONTEXT);
      expect(partsOf(fresh).keyId).toBe(keyIdOf(NEW_KEY));
      expect(rotated.decrypt(old, CONTEXT)).toBe(SECRET);
      expect(rotated.decrypt(fresh, CONTEXT)).toBe(SECRET);
    });

    it('leaves the old cipher unable to read the new values (names the missing key)', () => {
      const fresh = rotated.encrypt(SECRET, CONTEXT);
      expect(() => oldCipher.decrypt(fresh, CONTEXT)).toThrow(
        `encrypted with an unknown key (${keyIdOf(NEW_KEY)}): add it to DATA_ENCRYPTION_KEYS`,
      );
    });

    it('tells which values still use an old key', () => {
      const old = oldCipher.encrypt(SECRET, CONTEXT);
      const fresh = rotated.encrypt(SECRET, CONTEXT);
      expect(rotated.isCurrent(old)).toBe(false);
      expect(rotated.isCurrent(fresh)).toBe(true);
      expect(oldCipher.isCurrent(old)).toBe(true);
      expect(oldCipher.isCurrent(fresh)).toBe(false);
      expect(rotated.isCurrent('not encrypted')).toBe(false);
    });

    it('reports the current key id', () => {
      expect(rotated.currentKeyId).toBe(keyIdOf(NEW_KEY));
      expect(oldCipher.currentKeyId).toBe(keyIdOf(OLD_KEY));
    });

    it('moves a value to the new key by decrypting and encrypting it again', () => {
      const old = oldCipher.encrypt(SECRET, CONTEXT);
      const moved = rotated.encrypt(rotated.decrypt(old, CONTEXT), CONTEXT);
      expect(rotated.isCurrent(moved)).toBe(true);
      expect(new DataCipher(NEW_KEY).decrypt(moved, CONTEXT)).toBe(SECRET);
    });
  });

  describe('blind indexes', () => {
    it('is deterministic per key and purpose: 64 hex characters', () => {
      const a = new DataCipher(OLD_KEY).blindIndex(SECRET, 'phone');
      expect(a).toMatch(/^[0-9a-f]{64}$/);
      expect(new DataCipher(OLD_KEY).blindIndex(SECRET, 'phone')).toBe(a);
      expect(new DataCipher(OLD_KEY, [NEW_KEY]).blindIndex(SECRET, 'phone')).toBe(a);
    });

    it('differs with the key, the purpose and the value', () => {
      const cipher = new DataCipher(OLD_KEY);
      const a = cipher.blindIndex(SECRET, 'phone');
      expect(new DataCipher(NEW_KEY).blindIndex(SECRET, 'phone')).not.toBe(a);
      expect(cipher.blindIndex(SECRET, 'email')).not.toBe(a);
      expect(cipher.blindIndex('+14155552672', 'phone')).not.toBe(a);
    });

    it('does not contain the value', () => {
      expect(new DataCipher(OLD_KEY).blindIndex('alex@example.org', 'email')).not.toContain('alex');
    });

    it('gives distinct values distinct indexes', () => {
      const cipher = new DataCipher(OLD_KEY);
      fc.assert(
        fc.property(fc.string(), fc.string(), (a, b) => {
          fc.pre(a !== b);
          expect(cipher.blindIndex(a, 'phone')).not.toBe(cipher.blindIndex(b, 'phone'));
        }),
      );
    });

    // Latent: the purpose and the value are joined with ':' without framing, so ('a', 'b:c') and ('a:b', 'c')
    // hash the same input. No two purposes in use today ('phone', 'email', 'idempotency:<scope>') can collide
    // this way, but a future purpose that is another's prefix plus ':' could.
    it('keeps purposes apart even when one is another followed by a colon', () => {
      const cipher = new DataCipher(OLD_KEY);
      expect(cipher.blindIndex('b:c', 'a')).not.toBe(cipher.blindIndex('c', 'a:b'));
    });

    it('gives one index per known key, the current key’s first', () => {
      const rotated = new DataCipher(NEW_KEY, [OLD_KEY, OTHER_KEY]);
      expect(rotated.blindIndexes(SECRET, 'phone')).toEqual([
        new DataCipher(NEW_KEY).blindIndex(SECRET, 'phone'),
        new DataCipher(OLD_KEY).blindIndex(SECRET, 'phone'),
        new DataCipher(OTHER_KEY).blindIndex(SECRET, 'phone'),
      ]);
      expect(rotated.blindIndexes(SECRET, 'phone')[0]).toBe(rotated.blindIndex(SECRET, 'phone'));
    });

    it('gives one index without previous keys, and lists a key given twice once', () => {
      expect(new DataCipher(OLD_KEY).blindIndexes(SECRET, 'phone')).toEqual([
        new DataCipher(OLD_KEY).blindIndex(SECRET, 'phone'),
      ]);
      expect(new DataCipher(OLD_KEY, [OLD_KEY]).blindIndexes(SECRET, 'phone')).toHaveLength(1);
    });

    it('finds a value indexed under the old key during a rotation', () => {
      const stored = new DataCipher(OLD_KEY).blindIndex(SECRET, 'phone');
      expect(new DataCipher(NEW_KEY, [OLD_KEY]).blindIndexes(SECRET, 'phone')).toContain(stored);
      expect(new DataCipher(NEW_KEY).blindIndexes(SECRET, 'phone')).not.toContain(stored);
    });
  });
});

describe('keyIdOf', () => {
  it('is 8 base64url characters, the same for the same key', () => {
    const id = keyIdOf(OLD_KEY);
    expect(id).toMatch(/^[A-Za-z0-9_-]{8}$/);
    expect(keyIdOf(Buffer.from(OLD_KEY))).toBe(id);
  });

  it('differs between keys', () => {
    expect(keyIdOf(NEW_KEY)).not.toBe(keyIdOf(OLD_KEY));
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), (bytes) => {
        const id = keyIdOf(Buffer.from(bytes));
        expect(id).toHaveLength(8);
        expect(id).not.toContain('.');
        expect(Buffer.from(bytes).toString('base64url')).not.toContain(id);
      }),
    );
  });
});
