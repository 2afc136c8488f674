import fc from 'fast-check';
import {
  displayNameOf,
  erase,
  feedView,
  isPublic,
  lastInitialOf,
  normalizeName,
  publicChange,
  publicView,
  type TestimonialAction,
  TRANSITIONS,
} from './testimonial-content.js';
import { type Testimonial, TESTIMONIAL_STATUSES } from './testimonial.entity.js';

const ID = '6f1d3c2a-0b1e-4c5d-8e9f-0a1b2c3d4e5f';
const STAFF = '0b7c6d5e-1f2a-4b3c-9d8e-7f6a5b4c3d2e';
const CREATED = new Date('2026-11-01T08:00:00.000Z');
const APPROVED = new Date('2026-11-02T09:30:00.000Z');

/** An approved, public testimonial with every field set. */
const testimonial = (overrides: Partial<Testimonial> = {}): Testimonial => ({
  id: ID,
  quote: 'I finally feel heard.',
  firstName: 'Ivette',
  lastInitial: 'B',
  service: 'couples-therapy',
  rating: 5,
  source: 'email',
  status: 'approved',
  spam: false,
  featured: true,
  sortOrder: 3,
  consentGivenAt: new Date('2026-10-30T12:00:00.000Z'),
  consentTextVersion: '2026-01',
  consentMethod: 'email',
  approvedAt: APPROVED,
  approvedBy: STAFF,
  rejectedAt: null,
  rejectedBy: null,
  withdrawnAt: null,
  withdrawnBy: null,
  version: 2,
  createdBy: STAFF,
  updatedBy: STAFF,
  createdAt: CREATED,
  updatedAt: APPROVED,
  ...overrides,
});

describe('normalizeName', () => {
  it.each([
    ['Ivette', 'Ivette'],
    ['  Ivette  ', 'Ivette'],
    ['Mary   Ann', 'Mary Ann'],
    [' Mary \t\n Ann ', 'Mary Ann'],
    ['Mary\u00a0\u00a0Ann', 'Mary Ann'],
    ['Jean-Luc', 'Jean-Luc'],
    ['José María', 'José María'],
    ['', ''],
    ['   ', ''],
  ])('%j → %j', (input, expected) => {
    expect(normalizeName(input)).toBe(expected);
  });

  it('is idempotent, never grows a name and leaves no run of white space or outer white space', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (name) => {
        const once = normalizeName(name);
        expect(normalizeName(once)).toBe(once);
        expect(once.length).toBeLessThanOrEqual(name.length);
        expect(once).not.toMatch(/\s\s/u);
        expect(once).toBe(once.trim());
      }),
    );
  });
});

describe('lastInitialOf', () => {
  it.each([
    ['Brennan', 'B'],
    ['B', 'B'],
    ['brennan', 'B'],
    ['b', 'B'],
    ['  o\u2019Brien', 'O'],
    ["  o'Brien", 'O'],
    ["'O'Brien", 'O'],
    ['van Buren', 'V'],
    ['de la Cruz', 'D'],
    ['-Smith', 'S'],
    ['3rd', 'R'],
    ['Ørsted', 'Ø'],
    ['ørsted', 'Ø'],
    ['Šimůnek', 'Š'],
    ['élan', 'É'],
    ['Ωmega', 'Ω'],
    ['иванов', 'И'],
    ['김', '김'],
    ['山田', '山'],
  ])('%j → %j', (lastName, expected) => {
    expect(lastInitialOf(lastName)).toBe(expected);
  });

  it('keeps a letter as written when its upper case is two letters ("ß" → "SS")', () => {
    expect('ß'.toUpperCase()).toBe('SS');
    expect(lastInitialOf('ßmith')).toBe('ß');
    expect(lastInitialOf('ﬀoulkes')).toBe('ﬀ');
  });

  it.each([[''], ['   '], ['---'], ["'-. "], ['123'], ['!?'], ['\u0301'], ['🙂']])(
    'is undefined when %j has no letter',
    (lastName) => {
      expect(lastInitialOf(lastName)).toBeUndefined();
    },
  );

  it('is one letter, the first of the name, or undefined exactly when the name has no letter', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (lastName) => {
        const initial = lastInitialOf(lastName);
        const first = /\p{L}/u.exec(lastName)?.[0];
        if (first === undefined) {
          expect(initial).toBeUndefined();
          return;
        }
        expect(initial).toBeDefined();
        expect([...initial!]).toHaveLength(1);
        expect(initial).toMatch(/^\p{L}$/u);
        expect([first, first.toUpperCase()]).toContain(initial);
        expect(lastInitialOf(initial!)).toBe(initial);
      }),
    );
  });

  it('is upper case for every letter that has a one-letter upper case', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', minLength: 1 }), (lastName) => {
        const initial = lastInitialOf(lastName);
        if (initial !== undefined && [...initial.toUpperCase()].length === 1) {
          expect(initial).toBe(initial.toUpperCase());
        }
      }),
    );
  });
});

describe('displayNameOf', () => {
  it.each([
    ['Ivette', 'B', 'Ivette B'],
    ['Ivette', null, 'Ivette'],
    [null, 'B', 'B'],
    [null, null, ''],
    ['', '', ''],
    ['Mary Ann', 'Ø', 'Mary Ann Ø'],
  ])('%j + %j → %j', (firstName, lastInitial, expected) => {
    expect(displayNameOf(firstName, lastInitial)).toBe(expected);
  });
});

describe('isPublic', () => {
  it('is true for an approved testimonial with its quote and approval time', () => {
    expect(isPublic(testimonial())).toBe(true);
  });

  it.each(TESTIMONIAL_STATUSES.filter((s) => s !== 'approved'))('is false when %s', (status) => {
    expect(isPublic(testimonial({ status }))).toBe(false);
  });

  it('is false for an approved testimonial without a quote (erased) or without an approval time', () => {
    expect(isPublic(testimonial({ quote: null }))).toBe(false);
    expect(isPublic(testimonial({ approvedAt: null }))).toBe(false);
  });

  it('does not depend on the name, rating or feature flag', () => {
    expect(isPublic(testimonial({ firstName: null, lastInitial: null, rating: null, featured: false }))).toBe(true);
  });
});

describe('publicView and feedView', () => {
  it('show only the public fields: no consent, source, staff, spam flag, version or order', () => {
    expect(publicView(testimonial())).toEqual({
      id: ID,
      quote: 'I finally feel heard.',
      displayName: 'Ivette B',
      service: 'couples-therapy',
      rating: 5,
      featured: true,
      approvedAt: '2026-11-02T09:30:00.000Z',
    });
  });

  it('feedView adds the staff order and nothing else', () => {
    expect(feedView(testimonial())).toEqual({ ...publicView(testimonial()), sortOrder: 3 });
  });

  it('keeps null service and rating, and signs with the first name alone when there is no initial', () => {
    expect(publicView(testimonial({ service: null, rating: null, lastInitial: null }))).toMatchObject({
      service: null,
      rating: null,
      displayName: 'Ivette',
    });
  });

  it('falls back to an empty quote and the creation time when they are missing', () => {
    expect(publicView(testimonial({ quote: null, approvedAt: null }))).toMatchObject({
      quote: '',
      approvedAt: '2026-11-01T08:00:00.000Z',
    });
  });
});

describe('publicChange', () => {
  const before = feedView(testimonial());

  it('is an upsert when a testimonial becomes public', () => {
    expect(publicChange(undefined, testimonial())).toBe('upsert');
  });

  it('is nothing when the public view stays the same (even if private fields changed)', () => {
    expect(publicChange(before, testimonial())).toBeUndefined();
    expect(publicChange(before, testimonial({ version: 9, updatedBy: null, consentTextVersion: '2027-01' }))).toBe(
      undefined,
    );
  });

  it.each<[string, Partial<Testimonial>]>([
    ['the quote', { quote: 'Edited words.' }],
    ['the first name', { firstName: 'Ivy' }],
    ['the initial', { lastInitial: 'C' }],
    ['the service', { service: null }],
    ['the rating', { rating: 4 }],
    ['the feature flag', { featured: false }],
    ['the order', { sortOrder: 4 }],
    ['the approval time', { approvedAt: new Date('2026-11-05T00:00:00.000Z') }],
  ])('is an upsert when %s of a public testimonial changes', (_label, change) => {
    expect(publicChange(before, testimonial(change))).toBe('upsert');
  });

  it.each<[string, Partial<Testimonial>]>([
    ['rejected', { status: 'rejected' }],
    ['withdrawn and erased', { status: 'withdrawn', quote: null, firstName: null, lastInitial: null, rating: null }],
    ['back to pending', { status: 'pending' }],
  ])('is a delete when a public testimonial is %s', (_label, change) => {
    expect(publicChange(before, testimonial(change))).toBe('delete');
  });

  it.each(TESTIMONIAL_STATUSES.filter((s) => s !== 'approved'))(
    'is nothing for a testimonial that was never public and is still %s',
    (status) => {
      expect(publicChange(undefined, testimonial({ status }))).toBeUndefined();
    },
  );
});

describe('TRANSITIONS', () => {
  it('is this table', () => {
    expect(TRANSITIONS).toEqual({
      approve: { from: ['pending', 'rejected'], to: 'approved' },
      reject: { from: ['pending', 'approved'], to: 'rejected' },
      withdraw: { from: ['pending', 'approved', 'rejected'], to: 'withdrawn' },
    });
  });

  it('makes withdrawal final: no step starts from withdrawn', () => {
    for (const action of Object.keys(TRANSITIONS) as TestimonialAction[]) {
      expect(TRANSITIONS[action].from).not.toContain('withdrawn');
    }
  });

  it('never moves a testimonial to the status it is already in', () => {
    for (const { from, to } of Object.values(TRANSITIONS)) expect(from).not.toContain(to);
  });

  it('lets every status but withdrawn be withdrawn', () => {
    expect([...TRANSITIONS.withdraw.from].sort()).toEqual(TESTIMONIAL_STATUSES.filter((s) => s !== 'withdrawn').sort());
  });
});

describe('erase', () => {
  it('clears the words, the name, the rating and the feature flag, and keeps the consent record and dates', () => {
    const t = testimonial();
    erase(t);
    expect(t).toEqual(testimonial({ quote: null, firstName: null, lastInitial: null, rating: null, featured: false }));
  });

  it('leaves nothing that displayNameOf or publicView could show', () => {
    const t = testimonial();
    erase(t);
    expect(displayNameOf(t.firstName, t.lastInitial)).toBe('');
    expect(isPublic(t)).toBe(false);
    expect(JSON.stringify(t)).not.toMatch(/heard|Ivette/);
  });

  it('is idempotent', () => {
    const t = testimonial();
    erase(t);
    const once = { ...t };
    erase(t);
    expect(t).toEqual(once);
  });
});
