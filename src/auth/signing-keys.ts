import { createHash, createSecretKey, type KeyObject } from 'node:crypto';

export interface SigningKey {
  /** A short, stable name of the key that reveals nothing about it: the JWT header's `kid`. */
  kid: string;
  key: KeyObject;
}

/** The `kid` of a secret: the first 8 characters of a SHA-256 digest, domain-separated from every other use. */
export function jwtKeyId(secret: string): string {
  return createHash('sha256').update('wellclinic:jwt-kid:').update(secret, 'utf8').digest('base64url').slice(0, 8);
}

/**
 * The HS256 keys of JWT_SECRETS (or JWT_SECRET): the first signs, every one verifies. To rotate, put a new secret
 * first and keep the old one after it for at least the longest token lifetime, then drop it: tokens signed by a
 * dropped key are refused.
 */
export class SigningKeys {
  readonly signing: SigningKey;
  private readonly byKid: Map<string, KeyObject>;

  constructor(secrets: readonly string[]) {
    if (secrets.length === 0) throw new Error('at least one signing secret is needed');
    const keys = secrets.map((secret) => ({
      kid: jwtKeyId(secret),
      key: createSecretKey(Buffer.from(secret, 'utf8')),
    }));
    this.signing = keys[0];
    this.byKid = new Map(keys.map((k) => [k.kid, k.key]));
  }

  /**
   * The keys to try on a token: the one its `kid` names (none when it names an unknown key), or every key for a
   * token without a `kid` (`undefined`); none for a header that is not JSON or a `kid` that is not a string (`null`).
   */
  verifying(kid: string | undefined | null): KeyObject[] {
    if (kid === null) return [];
    if (kid === undefined) return [...this.byKid.values()];
    const key = this.byKid.get(kid);
    return key ? [key] : [];
  }
}
