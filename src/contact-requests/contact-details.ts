import { randomInt } from 'node:crypto';
import { type CountryCode, parsePhoneNumberFromString } from 'libphonenumber-js';

/** A phone number in E.164 (`+14155552671`), or undefined when it is not a valid number. */
export function normalizePhone(raw: string, defaultRegion: string): string | undefined {
  const parsed = parsePhoneNumberFromString(raw, defaultRegion as CountryCode);
  return parsed?.isValid() ? parsed.number : undefined;
}

/** `+14155552671` → `+1 ••••••••71`: the country code and the last two digits, enough to tell numbers apart. */
export function maskPhone(e164: string): string {
  const parsed = parsePhoneNumberFromString(e164);
  const country = parsed ? `+${parsed.countryCallingCode}` : e164.slice(0, 2);
  const national = parsed ? parsed.nationalNumber : e164.slice(2);
  return `${country} ${'•'.repeat(Math.max(0, national.length - 2))}${national.slice(-2)}`;
}

/** Emails compare case-insensitively (in practice, everywhere): what the blind index is computed over. */
export function normalizeEmail(raw: string): string {
  return raw.trim().toLowerCase();
}

/** `jane.doe@example.org` → `j•••@example.org` */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  return `${email.slice(0, 1)}•••${email.slice(at)}`;
}

/** Digits and capitals that cannot be misread for one another (no 0/O, 1/I/L, U). */
export const REFERENCE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTVWXYZ';
export const REFERENCE_PATTERN = /^CR-[23456789ABCDEFGHJKMNPQRSTVWXYZ]{6}$/;

/** `CR-7K3F9Q`: short enough to read out on the phone; 30^6 ≈ 729 million, so a clash is rare (and retried). */
export function newReference(random: (max: number) => number = randomInt): string {
  let code = '';
  for (let i = 0; i < 6; i++) code += REFERENCE_ALPHABET[random(REFERENCE_ALPHABET.length)];
  return `CR-${code}`;
}
