import fc from 'fast-check';
import {
  maskEmail,
  maskPhone,
  newReference,
  normalizeEmail,
  normalizePhone,
  REFERENCE_ALPHABET,
  REFERENCE_PATTERN,
} from './contact-details.js';

describe('normalizePhone', () => {
  describe('with the US as the default region', () => {
    it.each([
      ['(415) 555-2671', '+14155552671'],
      ['415.555.2671', '+14155552671'],
      ['415-555-2671', '+14155552671'],
      ['4155552671', '+14155552671'],
      ['  (415) 555-2671  ', '+14155552671'],
      ['+1 415 555 2671', '+14155552671'],
      ['+14155552671', '+14155552671'],
      ['1 (415) 555-2671', '+14155552671'],
      ['+44 20 7946 0958', '+442079460958'],
      ['+33 1 23 45 67 89', '+33123456789'],
    ])('%j → %j', (raw, e164) => {
      expect(normalizePhone(raw, 'US')).toBe(e164);
    });

    it.each([
      ['too short', '12345'],
      ['letters', 'call me maybe'],
      ['letters mixed into digits', '+1 555 SECRET-NUMBER'],
      ['empty', ''],
      ['white space', '   '],
      ['a number that cannot exist in the US (area code 555)', '(555) 555-2671'],
      ['too long', '+1 415 555 2671 2671 2671'],
      ['a lone plus', '+'],
      ['an unknown country code', '+999 1234 5678'],
    ])('refuses %s (%j)', (_case, raw) => {
      expect(normalizePhone(raw, 'US')).toBeUndefined();
    });
  });

  describe('with another default region', () => {
    it('reads a national number in that region', () => {
      expect(normalizePhone('020 7946 0958', 'GB')).toBe('+442079460958');
    });

    it('reads an international number the same whatever the region', () => {
      expect(normalizePhone('+1 415 555 2671', 'GB')).toBe('+14155552671');
      expect(normalizePhone('+44 20 7946 0958', 'GB')).toBe('+442079460958');
    });

    it('does not read a US national number as British', () => {
      expect(normalizePhone('(415) 555-2671', 'GB')).toBeUndefined();
    });
  });

  it('always returns E.164 (or nothing), and the E.164 form normalizes to itself', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[+]?[0-9 ().-]{0,20}$/),
        fc.constantFrom('US', 'GB', 'DE', 'FR'),
        (raw, region) => {
          const e164 = normalizePhone(raw, region);
          if (e164 === undefined) return;
          expect(e164).toMatch(/^\+[1-9]\d{6,14}$/);
          expect(normalizePhone(e164, region)).toBe(e164);
          expect(normalizePhone(e164, 'US')).toBe(e164);
        },
      ),
    );
  });
});

describe('maskPhone', () => {
  it.each([
    ['+14155552671', '+1 ••••••••71'],
    ['+442079460958', '+44 ••••••••58'],
    ['+33123456789', '+33 •••••••89'],
  ])('%j → %j', (e164, masked) => {
    expect(maskPhone(e164)).toBe(masked);
  });

  it('keeps only the country code and the last two digits of any number it is given', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[2-9]\d{2}[2-9]\d{6}$/), (national) => {
        const e164 = normalizePhone(national, 'US');
        if (e164 === undefined) return;
        const masked = maskPhone(e164);
        expect(masked).toBe(`+1 ${'•'.repeat(8)}${national.slice(-2)}`);
        expect(masked).not.toContain(national.slice(0, 8));
      }),
    );
  });
});

describe('normalizeEmail', () => {
  it.each([
    ['alex@example.org', 'alex@example.org'],
    ['Alex.Rivera@Example.ORG', 'alex.rivera@example.org'],
    ['  alex@example.org\t', 'alex@example.org'],
    ['ÉLODIE@EXAMPLE.FR', 'élodie@example.fr'],
  ])('%j → %j', (raw, normalized) => {
    expect(normalizeEmail(raw)).toBe(normalized);
  });

  it('is idempotent', () => {
    fc.assert(
      fc.property(fc.emailAddress(), (email) => {
        const once = normalizeEmail(email);
        expect(normalizeEmail(once)).toBe(once);
        expect(normalizeEmail(email.toUpperCase())).toBe(normalizeEmail(email.toLowerCase()));
      }),
    );
  });
});

describe('maskEmail', () => {
  it.each([
    ['jane.doe@example.org', 'j•••@example.org'],
    ['j@example.org', 'j•••@example.org'],
    ['alex+therapy@mail.example.co.uk', 'a•••@mail.example.co.uk'],
    ['"a@b"@example.org', '"•••@example.org'],
  ])('%j → %j', (email, masked) => {
    expect(maskEmail(email)).toBe(masked);
  });

  it('shows the first character and the domain, never the rest of the local part', () => {
    fc.assert(
      fc.property(fc.emailAddress(), (email) => {
        const at = email.lastIndexOf('@');
        const masked = maskEmail(email);
        expect(masked).toBe(`${email[0]}•••${email.slice(at)}`);
        // Before the domain, which may well contain the same letters ("jw@ajwa.aa"); unless the rest is made of the
        // first character, which is shown ("''@a.aa").
        const shown = `${email[0]}•••`;
        if (at > 1 && !shown.includes(email.slice(1, at))) {
          expect(masked.slice(0, masked.lastIndexOf('@'))).not.toContain(email.slice(1, at));
        }
      }),
    );
  });
});

describe('newReference', () => {
  it('is CR- and six characters of the alphabet', () => {
    expect(newReference()).toMatch(REFERENCE_PATTERN);
  });

  it('leaves out the characters that are easily misread', () => {
    expect(REFERENCE_ALPHABET).toHaveLength(30);
    for (const ambiguous of ['0', 'O', '1', 'I', 'L', 'U']) expect(REFERENCE_ALPHABET).not.toContain(ambiguous);
    expect(new Set(REFERENCE_ALPHABET).size).toBe(REFERENCE_ALPHABET.length);
  });

  it('draws each character from the injected random source', () => {
    const draws: number[] = [];
    const sequence = [0, 29, 1, 28, 10, 15];
    const reference = newReference((max) => {
      draws.push(max);
      return sequence[draws.length - 1];
    });
    expect(draws).toEqual([30, 30, 30, 30, 30, 30]);
    expect(reference).toBe('CR-2Z3YCH');
  });

  it('gives the lowest and the highest reference at the ends of the range', () => {
    expect(newReference(() => 0)).toBe('CR-222222');
    expect(newReference((max) => max - 1)).toBe('CR-ZZZZZZ');
  });

  it('always matches REFERENCE_PATTERN, whatever the random source returns within its range', () => {
    fc.assert(
      fc.property(fc.array(fc.nat({ max: 29 }), { minLength: 6, maxLength: 6 }), (draws) => {
        let i = 0;
        const reference = newReference(() => draws[i++]);
        expect(reference).toMatch(REFERENCE_PATTERN);
        expect(reference.slice(3)).toBe(draws.map((d) => REFERENCE_ALPHABET[d]).join(''));
      }),
    );
  });

  it('matches REFERENCE_PATTERN with the real random source', () => {
    fc.assert(
      fc.property(fc.constant(null), () => {
        expect(newReference()).toMatch(REFERENCE_PATTERN);
      }),
      { numRuns: 500 },
    );
  });
});
