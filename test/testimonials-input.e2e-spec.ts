import { randomUUID } from 'node:crypto';
import { ManualClock } from '../src/common/clock/clock.js';
import { encodeCursor } from '../src/common/pagination/cursor.js';
import {
  expectInvalid,
  expectJson,
  expectNoContent,
  expectProblem,
  type FieldError,
  ISO,
  UUID,
} from './utils/expect-problem.js';
import {
  createApiKey,
  createStaff,
  createTestimonial,
  publishServices,
  type StaffMember,
  testimonialEntry,
  testimonialSubmission,
} from './factories/index.js';
import { useTestApp } from './utils/test-app.js';
import {
  empty,
  expectJsonBodyOnly,
  fieldError as err,
  mustBeString,
  NO_BODY,
  NOT_OBJECT,
  singleLine,
  tooLong,
  unknownField,
  withJson,
} from './utils/field-errors.js';

const SUBMIT = '/api/v1/testimonials/submissions';
const PUBLIC = '/api/v1/testimonials';
const ADMIN = '/api/v1/admin/testimonials';
const ORDER = `${ADMIN}/order`;
const SNAPSHOT = '/api/v1/integrations/testimonials';
const CHANGES = `${SNAPSHOT}/changes`;

const NOW = '2026-11-20T12:00:00.000Z';
const UNKNOWN_SERVICE = 'service must be the slug of an existing service';
const SERVICE_SLUG = 'service must be lowercase words joined by single hyphens';
const INJECTIONS = [
  "'; DROP TABLE testimonials; --",
  '<script>alert(1)</script>',
  '" OR 1=1 --',
  '{{7*7}} ${7*7} <%= 7*7 %>',
  '../../etc/passwd',
  '{"$ne": null}',
];

const CONSENT = { givenAt: '2026-11-19T15:30:00Z', textVersion: '2026-01', method: 'email' };
/** A staff entry with consent by email; `consent` changes members of that record. */
const entry = (overrides: Record<string, unknown> = {}, consent: Record<string, unknown> = {}) =>
  testimonialEntry({ consent: { ...CONSENT, ...consent }, ...overrides });
/** The quote of the testimonial the routes with an id are aimed at, which they must leave unchanged. */
const TARGET_QUOTE = 'Therapy here gave me my evenings back.';

type BodyCase = [string, unknown, FieldError[]];

/** Cases shared by every body with these fields; `make` turns overrides into an otherwise valid body. */
const rating = (make: (o: Record<string, unknown>) => object): BodyCase[] => [
  ['rating "5"', make({ rating: '5' }), [err('rating', 'rating must be an integer')]],
  ['rating 3.5', make({ rating: 3.5 }), [err('rating', 'rating must be an integer')]],
  ['rating true', make({ rating: true }), [err('rating', 'rating must be an integer')]],
  ['rating 0', make({ rating: 0 }), [err('rating', 'rating must not be less than 1')]],
  ['rating 6', make({ rating: 6 }), [err('rating', 'rating must not be greater than 5')]],
  ['rating -1', make({ rating: -1 }), [err('rating', 'rating must not be less than 1')]],
];

const names = (make: (o: Record<string, unknown>) => object): BodyCase[] => [
  ['a numeric firstName', make({ firstName: 42 }), [mustBeString('firstName')]],
  ['a null firstName', make({ firstName: null }), [mustBeString('firstName')]],
  ['a numeric lastName', make({ lastName: 7 }), [mustBeString('lastName')]],
  ['a 41-character firstName', make({ firstName: 'f'.repeat(41) }), [tooLong('firstName', 40)]],
  ['a 101-character lastName', make({ lastName: 'l'.repeat(101) }), [tooLong('lastName', 100)]],
  ['an empty firstName', make({ firstName: '' }), [empty('firstName')]],
  ['a whitespace-only firstName', make({ firstName: '  \u00a0 ' }), [empty('firstName')]],
  ['a whitespace-only lastName', make({ lastName: '   ' }), [empty('lastName')]],
  ['a NUL in firstName', make({ firstName: 'Ive\u0000tte' }), [singleLine('firstName')]],
  ['a right-to-left override in firstName', make({ firstName: 'Iv\u202Eette' }), [singleLine('firstName')]],
  [
    'a bidirectional isolate in the quote',
    make({ quote: 'Kind \u2067words\u2069' }),
    [err('quote', 'quote must not contain control characters other than line breaks and tabs')],
  ],
  ['a line break in firstName', make({ firstName: 'Ivette\nB' }), [singleLine('firstName')]],
  ['a tab in lastName', make({ lastName: 'Bren\tnan' }), [singleLine('lastName')]],
  ['a C1 control in firstName', make({ firstName: 'Ivette\u0085' }), [singleLine('firstName')]],
  ['a lastName with no letter', make({ lastName: '---' }), [err('lastName', 'lastName must contain a letter')]],
  ['a firstName of digits', make({ firstName: '12345' }), [err('firstName', 'firstName must contain a letter')]],
];

const quotes = (make: (o: Record<string, unknown>) => object): BodyCase[] => [
  ['a numeric quote', make({ quote: 42 }), [mustBeString('quote')]],
  ['an array quote', make({ quote: ['a', 'b'] }), [mustBeString('quote')]],
  ['a 1001-character quote', make({ quote: 'q'.repeat(1001) }), [tooLong('quote', 1000)]],
  ['an empty quote', make({ quote: '' }), [empty('quote')]],
  ['a whitespace-only quote', make({ quote: ' \n\t\r\n ' }), [empty('quote')]],
  [
    'a NUL in the quote',
    make({ quote: 'Kind\u0000words' }),
    [err('quote', 'quote must not contain control characters other than line breaks and tabs')],
  ],
  [
    'a DEL in the quote',
    make({ quote: 'Kind\u007fwords' }),
    [err('quote', 'quote must not contain control characters other than line breaks and tabs')],
  ],
  [
    'an escape sequence in the quote',
    make({ quote: 'Kind \u001b[31mred\u001b[0m words' }),
    [err('quote', 'quote must not contain control characters other than line breaks and tabs')],
  ],
];

describe('testimonials: bad input', () => {
  const clock = new ManualClock(new Date(NOW));
  const app = useTestApp({
    isolatedDatabase: true,
    clock,
    env: { RATE_LIMIT_SUBMISSION_LIMIT: '10000' },
  });
  let editor: StaffMember;
  let apiKey: string;
  /** A pending testimonial the routes with an id can be aimed at. */
  let id: string;

  beforeAll(async () => {
    editor = await createStaff(app(), 'editor');
    await publishServices(app(), editor);
    ({ secret: apiKey } = await createApiKey(app(), await createStaff(app(), 'admin'), {
      name: 'testimonials input',
    }));
    ({ id } = await createTestimonial(app(), editor, entry({ quote: TARGET_QUOTE })));
  });

  const http = () => app().http();
  const submit = (body: unknown) => withJson(http().post(SUBMIT), body);
  const send = (method: 'post' | 'patch' | 'put', url: string, body: unknown) =>
    withJson(http()[method](url).set(editor.auth), body);
  const adminGet = (testimonialId: string) => http().get(`${ADMIN}/${testimonialId}`).set(editor.auth);

  describe('POST /testimonials/submissions (public)', () => {
    const cases: BodyCase[] = [
      [
        'an empty object',
        {},
        [
          mustBeString('quote'),
          mustBeString('firstName'),
          mustBeString('lastName'),
          err('consent', "consent must be true: a testimonial needs its author's consent"),
          mustBeString('consentTextVersion'),
        ],
      ],
      ['no quote', testimonialSubmission({ quote: undefined }), [mustBeString('quote')]],
      ['no firstName', testimonialSubmission({ firstName: undefined }), [mustBeString('firstName')]],
      ['no lastName', testimonialSubmission({ lastName: undefined }), [mustBeString('lastName')]],
      [
        'no consentTextVersion',
        testimonialSubmission({ consentTextVersion: undefined }),
        [mustBeString('consentTextVersion')],
      ],
      ...quotes(testimonialSubmission),
      ...names(testimonialSubmission),
      ...rating(testimonialSubmission),
      ['an unknown service', testimonialSubmission({ service: 'massage' }), [err('service', UNKNOWN_SERVICE)]],
      ['a null service', testimonialSubmission({ service: null }), [mustBeString('service')]],
      [
        'a 41-character consentTextVersion',
        testimonialSubmission({ consentTextVersion: 'v'.repeat(41) }),
        [tooLong('consentTextVersion', 40)],
      ],
      [
        'an empty consentTextVersion',
        testimonialSubmission({ consentTextVersion: ' ' }),
        [empty('consentTextVersion')],
      ],
      [
        'a numeric consentTextVersion',
        testimonialSubmission({ consentTextVersion: 2026 }),
        [mustBeString('consentTextVersion')],
      ],
      ['a 501-character website', testimonialSubmission({ website: 'w'.repeat(501) }), [tooLong('website', 500)]],
      ['a numeric website', testimonialSubmission({ website: 42 }), [mustBeString('website')]],
      [
        'unknown fields',
        testimonialSubmission({ email: 'ivette@example.org', status: 'approved' }),
        [unknownField('email'), unknownField('status')],
      ],
      ['a spam flag', testimonialSubmission({ spam: false }), [unknownField('spam')]],
      ['an array body', [testimonialSubmission()], NOT_OBJECT],
      ['a string body', 'hello', NOT_OBJECT],
      ['a null body', null, NOT_OBJECT],
    ];
    it.each(cases)('refuses %s (400)', async (_case, body, errors) => {
      expectInvalid(await submit(body), SUBMIT, errors);
    });

    it.each([
      ['consent false', false],
      ['consent "true"', 'true'],
      ['consent 1', 1],
      ['consent null', null],
      ['consent missing', undefined],
      ['consent {}', {}],
    ])('refuses %s (400)', async (_case, consent) => {
      expectInvalid(await submit(testimonialSubmission({ consent })), SUBMIT, [
        err('consent', "consent must be true: a testimonial needs its author's consent"),
      ]);
    });

    it.each(INJECTIONS)('stores %j as plain text and shows it verbatim to staff', async (text) => {
      const res = await submit(testimonialSubmission({ quote: text, firstName: `Ivette ${text}` }));
      expectJson(res, 201, { id: expect.stringMatching(UUID), status: 'pending' });
      const stored = await adminGet(res.body.id as string);
      expect(stored.status).toBe(200);
      expect(stored.body).toMatchObject({ quote: text, firstName: `Ivette ${text}`, status: 'pending' });
    });

    it('accepts line breaks and tabs in the quote, the longest fields, an empty honeypot and a null rating', async () => {
      const quote = 'First line.\n\nSecond\tline.\r\n' + 'q'.repeat(1000 - 27);
      expect(quote).toHaveLength(1000);
      const res = await submit(
        testimonialSubmission({
          quote,
          firstName: 'f'.repeat(40),
          lastName: `  o'${'b'.repeat(97)}`,
          rating: null,
          website: '',
        }),
      );
      expectJson(res, 201, { id: expect.stringMatching(UUID), status: 'pending' });
      expect((await adminGet(res.body.id as string)).body).toMatchObject({
        quote,
        firstName: 'f'.repeat(40),
        lastInitial: 'O',
        rating: null,
        spam: false,
        source: 'website',
        consent: { givenAt: NOW, textVersion: '2026-01', method: 'web-form' },
      });
    });

    it('trims the text fields and collapses runs of spaces in the first name', async () => {
      const res = await submit(
        testimonialSubmission({ quote: '  Kind words.  ', firstName: '  Mary   Ann ', lastName: ' van Buren' }),
      );
      expect(res.status).toBe(201);
      expect((await adminGet(res.body.id as string)).body).toMatchObject({
        quote: 'Kind words.',
        firstName: 'Mary Ann',
        lastInitial: 'V',
        displayName: 'Mary Ann V',
      });
    });
    it('refuses a request without a body, malformed JSON and a non-JSON content type', async () => {
      await expectJsonBodyOnly(
        () => http().post(SUBMIT),
        SUBMIT,
        testimonialSubmission({ rating: '5', consent: 'true' }),
      );
    });

    it('refuses a quote whose length only fits without its variation selector (400, not 500)', async () => {
      const res = await submit(testimonialSubmission({ quote: `${'b'.repeat(999)}\u2764\uFE0F` }));
      expectInvalid(res, SUBMIT, [tooLong('quote', 1000)]);
    });
  });

  describe('POST /admin/testimonials', () => {
    const METHODS = 'web-form, email, signed-form, verbal';
    const ISO_MESSAGE = 'givenAt must be an ISO 8601 date-time with a time zone, e.g. 2026-12-24T17:00:00Z';
    const cases: BodyCase[] = [
      [
        'an empty object',
        {},
        [
          mustBeString('quote'),
          mustBeString('firstName'),
          mustBeString('lastName'),
          mustBeString('service'),
          err('source', 'source must be one of: website, email, in-person, other'),
          err('consent', 'consent must be an object'),
        ],
      ],
      ['no service', entry({ service: undefined }), [mustBeString('service')]],
      ['an unknown service', entry({ service: 'massage' }), [err('service', UNKNOWN_SERVICE)]],
      [
        'no source',
        entry({ source: undefined }),
        [err('source', 'source must be one of: website, email, in-person, other')],
      ],
      [
        'an unknown source',
        entry({ source: 'phone' }),
        [err('source', 'source must be one of: website, email, in-person, other')],
      ],
      ['no consent', entry({ consent: undefined }), [err('consent', 'consent must be an object')]],
      [
        'consent true (the public form’s shape)',
        entry({ consent: true }),
        [err('consent', 'consent must be an object')],
      ],
      ['consent null', entry({ consent: null }), [err('consent', 'consent must be an object')]],
      ['consent as an array', entry({ consent: [CONSENT] }), [err('consent', 'consent must be an object')]],
      [
        'an empty consent',
        entry({ consent: {} }),
        [
          err('consent.givenAt', ISO_MESSAGE),
          err('consent.textVersion', 'textVersion must be a string'),
          err('consent.method', `method must be one of: ${METHODS}`),
        ],
      ],
      ['consent.givenAt "yesterday"', entry({}, { givenAt: 'yesterday' }), [err('consent.givenAt', ISO_MESSAGE)]],
      ['consent.givenAt as a date only', entry({}, { givenAt: '2026-11-19' }), [err('consent.givenAt', ISO_MESSAGE)]],
      [
        'consent.givenAt without a time zone',
        entry({}, { givenAt: '2026-11-19T10:00:00' }),
        [err('consent.givenAt', ISO_MESSAGE)],
      ],
      [
        'consent.givenAt as epoch milliseconds',
        entry({}, { givenAt: 1_763_560_000_000 }),
        [err('consent.givenAt', ISO_MESSAGE)],
      ],
      [
        'consent.givenAt on 30 February',
        entry({}, { givenAt: '2026-02-30T10:00:00Z' }),
        [err('consent.givenAt', 'givenAt must be a real date and time')],
      ],
      [
        'consent.givenAt in 1899',
        entry({}, { givenAt: '1899-12-31T10:00:00Z' }),
        [err('consent.givenAt', 'givenAt must be in the years 1900 to 2200')],
      ],
      [
        'consent.givenAt a second in the future',
        entry({}, { givenAt: '2026-11-20T12:00:01Z' }),
        [err('consent.givenAt', 'consent.givenAt must not be in the future')],
      ],
      [
        'consent.givenAt next year',
        entry({}, { givenAt: '2027-01-01T00:00:00+14:00' }),
        [err('consent.givenAt', 'consent.givenAt must not be in the future')],
      ],
      [
        'an unknown consent.method',
        entry({}, { method: 'fax' }),
        [err('consent.method', `method must be one of: ${METHODS}`)],
      ],
      [
        'consent.method web-form in upper case',
        entry({}, { method: 'WEB-FORM' }),
        [err('consent.method', `method must be one of: ${METHODS}`)],
      ],
      [
        'a 41-character consent.textVersion',
        entry({}, { textVersion: 'v'.repeat(41) }),
        [tooLong('consent.textVersion', 40, 'textVersion')],
      ],
      ['an empty consent.textVersion', entry({}, { textVersion: '' }), [empty('consent.textVersion', 'textVersion')]],
      ['an unknown consent field', entry({}, { ip: '203.0.113.9' }), [unknownField('consent.ip')]],
      ...quotes(entry),
      ...names(entry),
      ...rating(entry),
      ['featured "true"', entry({ featured: 'true' }), [err('featured', 'featured must be a boolean value')]],
      ['featured null', entry({ featured: null }), [err('featured', 'featured must be a boolean value')]],
      ['a negative sortOrder', entry({ sortOrder: -1 }), [err('sortOrder', 'sortOrder must not be less than 0')]],
      ['sortOrder 1.5', entry({ sortOrder: 1.5 }), [err('sortOrder', 'sortOrder must be an integer')]],
      ['sortOrder "3"', entry({ sortOrder: '3' }), [err('sortOrder', 'sortOrder must be an integer')]],
      [
        'sortOrder over a million',
        entry({ sortOrder: 1_000_001 }),
        [err('sortOrder', 'sortOrder must not be greater than 1000000')],
      ],
      ['a status', entry({ status: 'approved' }), [unknownField('status')]],
      ['a spam flag', entry({ spam: true }), [unknownField('spam')]],
      ['an approval time', entry({ approvedAt: NOW }), [unknownField('approvedAt')]],
      ['a website honeypot', entry({ website: '' }), [unknownField('website')]],
      ['an array body', [entry()], NOT_OBJECT],
      ['a string body', 'hello', NOT_OBJECT],
      ['a null body', null, NOT_OBJECT],
    ];
    it.each(cases)('refuses %s (400)', async (_case, body, errors) => {
      expectInvalid(await send('post', ADMIN, body), ADMIN, errors);
    });

    it('accepts consent given right now, or earlier in another time zone', async () => {
      const now = await send('post', ADMIN, entry({}, { givenAt: NOW }));
      expect(now.status).toBe(201);
      expect(now.body.consent).toEqual({ givenAt: NOW, textVersion: '2026-01', method: 'email' });
      const zoned = await send('post', ADMIN, entry({}, { givenAt: '2026-11-20T13:30:00+02:00' }));
      expect(zoned.status).toBe(201);
      expect(zoned.body.consent.givenAt).toBe('2026-11-20T11:30:00.000Z');
    });

    it.each(INJECTIONS)('stores %j as plain text and returns it verbatim', async (text) => {
      const res = await send(
        'post',
        ADMIN,
        entry({ quote: text, firstName: `Sam ${text}` }, { textVersion: text.slice(0, 40) }),
      );
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({
        id: expect.stringMatching(UUID),
        quote: text,
        firstName: `Sam ${text}`,
        status: 'pending',
        consent: { textVersion: text.slice(0, 40) },
        createdAt: expect.stringMatching(ISO),
      });
      expect((await adminGet(res.body.id as string)).body.quote).toBe(text);
    });
    it('refuses a firstName whose length only fits without its variation selector (400, not 500)', async () => {
      const res = await send('post', ADMIN, entry({ firstName: `${'f'.repeat(40)}\uFE0E` }));
      expectInvalid(res, ADMIN, [tooLong('firstName', 40)]);
    });
  });

  describe('PATCH /admin/testimonials/{id}', () => {
    const patch = (o: Record<string, unknown>) => o;
    const cases: BodyCase[] = [
      ['a null quote', { quote: null }, [mustBeString('quote')]],
      ...quotes(patch),
      ...names(patch),
      ...rating(patch),
      ['an unknown service', { service: 'massage' }, [err('service', UNKNOWN_SERVICE)]],
      ['a service that is no slug', { service: 'Massage Therapy' }, [err('service', SERVICE_SLUG)]],
      ['featured "yes"', { featured: 'yes' }, [err('featured', 'featured must be a boolean value')]],
      ['a negative sortOrder', { sortOrder: -5 }, [err('sortOrder', 'sortOrder must not be less than 0')]],
      ['a status', { status: 'approved' }, [unknownField('status')]],
      ['a consent record', { consent: CONSENT }, [unknownField('consent')]],
      ['a source', { source: 'website' }, [unknownField('source')]],
      ['a version', { version: 1 }, [unknownField('version')]],
      ['an array body', [{ quote: 'x' }], NOT_OBJECT],
      ['a string body', 'hello', NOT_OBJECT],
      ['a null body', null, NOT_OBJECT],
    ];
    it.each(cases)('refuses %s (400)', async (_case, body, errors) => {
      expectInvalid(await send('patch', `${ADMIN}/${id}`, body), `${ADMIN}/${id}`, errors);
    });

    it('refuses a request without a body (400)', async () => {
      expectInvalid(await http().patch(`${ADMIN}/${id}`).set(editor.auth), `${ADMIN}/${id}`, NOT_OBJECT);
    });

    it('leaves the testimonial unchanged after all those refusals', async () => {
      const res = await adminGet(id);
      expect(res.body).toMatchObject({ version: 1, quote: TARGET_QUOTE, rating: 4 });
    });

    it.each(INJECTIONS)('stores %j as plain text', async (text) => {
      const res = await send('patch', `${ADMIN}/${id}`, { quote: text });
      expect(res.status).toBe(200);
      expect(res.body.quote).toBe(text);
    });
  });

  describe('PUT /admin/testimonials/order', () => {
    const other = randomUUID();
    const cases: BodyCase[] = [
      ['an empty object', {}, [err('items', 'items must be an array')]],
      ['items as an object', { items: { id: other, sortOrder: 1 } }, [err('items', 'items must be an array')]],
      ['an empty items list', { items: [] }, [err('items', 'items must contain at least 1 elements')]],
      [
        '501 items',
        { items: Array.from({ length: 501 }, (_, i) => ({ id: randomUUID(), sortOrder: i })) },
        [err('items', 'items must contain no more than 500 elements')],
      ],
      [
        'the same id twice',
        {
          items: [
            { id: other, sortOrder: 1 },
            { id: other, sortOrder: 2 },
          ],
        },
        [err('items', 'items must not list a testimonial twice')],
      ],
      ['a malformed id', { items: [{ id: 'not-a-uuid', sortOrder: 1 }] }, [err('items.0.id', 'id must be a UUID')]],
      ['a numeric id', { items: [{ id: 42, sortOrder: 1 }] }, [err('items.0.id', 'id must be a UUID')]],
      ['no id', { items: [{ sortOrder: 1 }] }, [err('items.0.id', 'id must be a UUID')]],
      [
        'a negative sortOrder',
        { items: [{ id: other, sortOrder: -1 }] },
        [err('items.0.sortOrder', 'sortOrder must not be less than 0')],
      ],
      [
        'a sortOrder "1"',
        { items: [{ id: other, sortOrder: '1' }] },
        [err('items.0.sortOrder', 'sortOrder must be an integer')],
      ],
      ['no sortOrder', { items: [{ id: other }] }, [err('items.0.sortOrder', 'sortOrder must be an integer')]],
      [
        'an unknown field in the second item',
        {
          items: [
            { id: other, sortOrder: 1 },
            { id: randomUUID(), sortOrder: 2, featured: true },
          ],
        },
        [unknownField('items.1.featured')],
      ],
      ['an unknown top-level field', { items: [{ id: other, sortOrder: 1 }], dryRun: true }, [unknownField('dryRun')]],
      ['an array body', [{ id: other, sortOrder: 1 }], NOT_OBJECT],
      ['a string body', 'hello', NOT_OBJECT],
      ['a null body', null, NOT_OBJECT],
    ];
    it.each(cases)('refuses %s (400)', async (_case, body, errors) => {
      expectInvalid(await send('put', ORDER, body), ORDER, errors);
    });
    it('refuses an item that is not an object (400 naming it)', async () => {
      for (const item of [null, 'x', 7]) {
        expectInvalid(await send('put', ORDER, { items: [item] }), ORDER, [
          err('items', 'each item of items must be an object'),
        ]);
      }
    });

    it('refuses a request without a body (400)', async () => {
      expectInvalid(await http().put(ORDER).set(editor.auth), ORDER, NOT_OBJECT);
    });

    it('answers 404 naming an id that no testimonial has', async () => {
      const missing = randomUUID();
      expectProblem(
        await send('put', ORDER, {
          items: [
            { id, sortOrder: 1 },
            { id: missing, sortOrder: 2 },
          ],
        }),
        {
          code: 'not_found',
          detail: `No testimonial has the id ${missing}.`,
          instance: ORDER,
        },
      );
    });

    it('refuses an item that is an array (400, not 404)', async () => {
      expectInvalid(await send('put', ORDER, { items: [[{ id, sortOrder: 1 }]] }), ORDER, [
        err('items', 'each item of items must be an object'),
      ]);
    });

    it('accepts an upper-case id of an existing testimonial', async () => {
      expect((await adminGet(id.toUpperCase())).status).toBe(200);
      expectNoContent(await send('put', ORDER, { items: [{ id: id.toUpperCase(), sortOrder: 9 }] }));
      expect((await adminGet(id)).body.sortOrder).toBe(9);
    });
  });

  describe('{id} parameters', () => {
    it.each(['approve', 'reject', 'withdraw'])('%s refuses a request body (400)', async (action) => {
      const url = `${ADMIN}/${id}/${action}`;
      expectInvalid(await http().post(url).set(editor.auth).send({ reason: 'x' }), url, NO_BODY);
    });

    it('DELETE refuses a request body (400)', async () => {
      const url = `${ADMIN}/${id}`;
      expectInvalid(await http().delete(url).set(editor.auth).send({ force: true }), url, NO_BODY);
    });

    it.each(['GET', 'DELETE'])('%s refuses a query parameter (400)', async (method) => {
      const url = `${ADMIN}/${id}`;
      const req = method === 'GET' ? http().get(url) : http().delete(url);
      expectInvalid(await req.set(editor.auth).query({ include: 'audit' }), url, [unknownField('include')]);
    });

    it('left the target in place after all those refusals', async () => {
      expect((await adminGet(id)).status).toBe(200);
    });
  });

  describe('GET /testimonials (public)', () => {
    it.each<[Record<string, unknown>, FieldError[]]>([
      [{ service: 'Massage' }, [err('service', SERVICE_SLUG)]],
      [{ service: '' }, [err('service', SERVICE_SLUG)]],
      [{ service: "x' OR '1'='1" }, [err('service', SERVICE_SLUG)]],
      [{ featured: 'yes' }, [err('featured', 'featured must be a boolean value')]],
      [{ featured: '1' }, [err('featured', 'featured must be a boolean value')]],
      [{ featured: 'TRUE' }, [err('featured', 'featured must be a boolean value')]],
      [{ page: 0 }, [err('page', 'page must not be less than 1')]],
      [{ page: 'abc' }, [err('page', 'page must be an integer number')]],
      [{ page: '1.5' }, [err('page', 'page must be an integer number')]],
      [{ pageSize: 0 }, [err('pageSize', 'pageSize must not be less than 1')]],
      [{ pageSize: 101 }, [err('pageSize', 'pageSize must not be greater than 100')]],
      [{ status: 'pending' }, [unknownField('status')]],
      [{ spam: 'true' }, [unknownField('spam')]],
      [{ sort: '-createdAt' }, [unknownField('sort')]],
      [{ q: "'; DROP TABLE testimonials; --" }, [unknownField('q')]],
    ])('refuses the query %j (400)', async (query, errors) => {
      expectInvalid(await http().get(PUBLIC).query(query), PUBLIC, errors);
    });

    it('refuses a repeated parameter', async () => {
      expectInvalid(await http().get(`${PUBLIC}?featured=true&featured=false`), PUBLIC, [
        err('featured', 'featured must be a boolean value'),
      ]);
    });
  });

  describe('GET /admin/testimonials', () => {
    const SORT_MESSAGE =
      'sort must be a comma-separated list of createdAt, updatedAt, approvedAt, sortOrder, each optionally prefixed with -';
    it.each<[Record<string, unknown>, FieldError[]]>([
      [{ status: 'published' }, [err('status', 'status must be one of: pending, approved, rejected, withdrawn')]],
      [{ status: 'PENDING' }, [err('status', 'status must be one of: pending, approved, rejected, withdrawn')]],
      [{ service: 'massage therapy' }, [err('service', SERVICE_SLUG)]],
      [{ featured: 'no' }, [err('featured', 'featured must be a boolean value')]],
      [{ spam: '1' }, [err('spam', 'spam must be a boolean value')]],
      [{ sort: 'quote' }, [err('sort', SORT_MESSAGE)]],
      [{ sort: 'firstName' }, [err('sort', SORT_MESSAGE)]],
      [{ sort: '-createdAt,createdAt' }, [err('sort', SORT_MESSAGE)]],
      [{ sort: 'createdAt;DROP TABLE testimonials' }, [err('sort', SORT_MESSAGE)]],
      [{ page: -1 }, [err('page', 'page must not be less than 1')]],
      [{ pageSize: 1000 }, [err('pageSize', 'pageSize must not be greater than 100')]],
      [{ q: 'ivette' }, [unknownField('q')]],
      [
        { status: 'nope', spam: 'maybe' },
        [
          err('status', 'status must be one of: pending, approved, rejected, withdrawn'),
          err('spam', 'spam must be a boolean value'),
        ],
      ],
    ])('refuses the query %j (400)', async (query, errors) => {
      expectInvalid(await http().get(ADMIN).set(editor.auth).query(query), ADMIN, errors);
    });
  });

  describe('GET /integrations/testimonials/changes', () => {
    const notFeed = [err('cursor', 'cursor is not a cursor of this feed')];
    const changes = (query: Record<string, unknown> | string) =>
      http().get(CHANGES).set('X-API-Key', apiKey).query(query);

    it.each<[string, Record<string, unknown> | string, FieldError[]]>([
      ['a cursor that is not base64 JSON', { cursor: 'not-a-cursor' }, notFeed],
      ['a cursor of another kind', { cursor: Buffer.from('["article-changes",1]').toString('base64url') }, notFeed],
      ['a negative cursor', { cursor: Buffer.from('["testimonial-changes",-1]').toString('base64url') }, notFeed],
      [
        'a cursor of the articles list',
        { cursor: encodeCursor({ list: 'articles:-publishedAt', page: 2, after: ['x', 'y'] }) },
        notFeed,
      ],
      ['a cursor over 200 characters', { cursor: 'c'.repeat(201) }, [tooLong('cursor', 200)]],
      ['an empty cursor', { cursor: '' }, [empty('cursor')]],
      ['a repeated cursor', 'cursor=a&cursor=b', [mustBeString('cursor')]],
      ['limit 0', { limit: 0 }, [err('limit', 'limit must not be less than 1')]],
      ['limit 501', { limit: 501 }, [err('limit', 'limit must not be greater than 500')]],
      ['limit 1.5', { limit: '1.5' }, [err('limit', 'limit must be an integer number')]],
      ['limit abc', { limit: 'abc' }, [err('limit', 'limit must be an integer number')]],
      ['limit 1e2', { limit: '1e2' }, [err('limit', 'limit must be an integer number')]],
      ['an empty limit', { limit: '' }, [err('limit', 'limit must be an integer number')]],
      ['an unknown parameter', { since: '2026-01-01' }, [unknownField('since')]],
      ['a page parameter', { page: 2 }, [unknownField('page')]],
    ])('refuses %s (400)', async (_case, query, errors) => {
      expectInvalid(await changes(query), CHANGES, errors);
    });

    it('accepts the cursor it hands out', async () => {
      const first = await changes({ limit: 500 });
      expect(first.status).toBe(200);
      const next = await changes({ cursor: first.body.meta.nextCursor as string, limit: 1 });
      expect(next.status).toBe(200);
      expect(next.body).toEqual({ data: [], meta: { nextCursor: first.body.meta.nextCursor, hasMore: false } });
    });

    it('the snapshot refuses any query parameter (400)', async () => {
      expectInvalid(await http().get(SNAPSHOT).set('X-API-Key', apiKey).query({ limit: 5 }), SNAPSHOT, [
        unknownField('limit'),
      ]);
    });
  });
});
