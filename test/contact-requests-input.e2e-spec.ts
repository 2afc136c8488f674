import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { ManualClock } from '../src/common/clock/clock.js';
import { User } from '../src/users/user.entity.js';
import { expectInvalid, expectJson, type FieldError } from './utils/expect-problem.js';
import {
  contactRequestBody,
  contactRequestId,
  createStaff,
  publishServices,
  type StaffMember,
} from './factories/index.js';
import { useTestApp } from './utils/test-app.js';
import {
  empty,
  expectJsonBodyOnly,
  fieldError as err,
  multiLine,
  mustBeString,
  NO_BODY,
  NOT_OBJECT,
  singleLine,
  tooLong,
  unknownField,
  withJson,
} from './utils/field-errors.js';

const SUBMIT = '/api/v1/contact-requests';
const ADMIN = '/api/v1/admin/contact-requests';

const NOW = '2026-11-23T17:00:00.000Z';
const CHANNELS = 'text, call, email';
const TIMES = 'morning, afternoon, evening, any';
const STATUSES = 'new, in_progress, contacted, closed, spam';
const ISO_MESSAGE = (field: string) =>
  `${field} must be an ISO 8601 date-time with a time zone, e.g. 2026-12-24T17:00:00Z`;
const INJECTIONS = [
  "'; DROP TABLE contact_requests; --",
  '<script>alert(1)</script>',
  '" OR 1=1 --',
  '{{7*7}} ${7*7} <%= 7*7 %>',
  '{"$ne": null}',
];

const badPhone = err('phone', 'phone must be a valid phone number');
const phoneRequired = (channel: string) => err('phone', `phone is required when preferredChannel is ${channel}`);
const emailRequired = err('email', 'email is required when preferredChannel is email');
const notEmail = err('email', 'email must be an email address');
const noTextConsent = err('consentToText', 'consentToText must be true to be contacted by text');
const noConsent = err('consentToContact', 'consentToContact must be true: we can only reply if you agree');
const IDEMPOTENCY_KEY = [err('Idempotency-Key', 'Idempotency-Key must be 1 to 255 visible ASCII characters')];

type BodyCase = [string, unknown, FieldError[]];

describe('contact requests: bad input', () => {
  const clock = new ManualClock(new Date(NOW));
  const app = useTestApp({ isolatedDatabase: true, clock, env: { RATE_LIMIT_SUBMISSION_LIMIT: '10000' } });
  let frontdesk: StaffMember;
  /** A request the routes with an id are aimed at. */
  let id: string;

  const http = () => app().http();
  const submit = (body: unknown) => withJson(http().post(SUBMIT), body);
  const send = (method: 'post' | 'patch', url: string, body: unknown) =>
    withJson(http()[method](url).set(frontdesk.auth), body);
  const list = (query: Record<string, unknown> | string) => http().get(ADMIN).set(frontdesk.auth).query(query);

  const idOf = (reference: string) => contactRequestId(app(), frontdesk, reference);

  const receipt = (channel: 'text' | 'call' | 'email' = 'text') => ({
    reference: expect.stringMatching(/^CR-[23456789ABCDEFGHJKMNPQRSTVWXYZ]{6}$/),
    status: 'received',
    // The test database has no operating hours: an hour from now, in UTC.
    expectedReplyBy: '2026-11-23T18:00:00.000Z',
    expectedReplyText: `We'll ${channel} you back by 6:00 PM UTC today.`,
    crisisNotice: expect.stringContaining('988'),
  });

  beforeAll(async () => {
    frontdesk = await createStaff(app(), 'frontdesk');
    await publishServices(app());
    const created = await submit(contactRequestBody());
    expectJson(created, 201, receipt());
    id = await idOf(created.body.reference as string);
  });

  describe('POST /contact-requests (public)', () => {
    const cases: BodyCase[] = [
      [
        'an empty object',
        {},
        [mustBeString('name'), err('preferredChannel', `preferredChannel must be one of: ${CHANNELS}`), noConsent],
      ],
      ['no name', contactRequestBody({ name: undefined }), [mustBeString('name')]],
      ['a null name', contactRequestBody({ name: null }), [mustBeString('name')]],
      ['a numeric name', contactRequestBody({ name: 42 }), [mustBeString('name')]],
      ['an empty name', contactRequestBody({ name: '' }), [empty('name')]],
      ['a whitespace-only name', contactRequestBody({ name: ' \u00a0 ' }), [empty('name')]],
      ['a 101-character name', contactRequestBody({ name: 'n'.repeat(101) }), [tooLong('name', 100)]],
      ['a NUL in the name', contactRequestBody({ name: 'Al\u0000ex' }), [singleLine('name')]],
      ['a line break in the name', contactRequestBody({ name: 'Alex\nRivera' }), [singleLine('name')]],
      ['a tab in the name', contactRequestBody({ name: 'Alex\tRivera' }), [singleLine('name')]],
      ['an escape sequence in the name', contactRequestBody({ name: 'Alex \u001b[31mRivera' }), [singleLine('name')]],
      ['a right-to-left override in the name', contactRequestBody({ name: 'Alex \u202eareviR' }), [singleLine('name')]],
      ['a C1 control in the name', contactRequestBody({ name: 'Alex\u0085' }), [singleLine('name')]],
      ['an invalid phone', contactRequestBody({ phone: '12345' }), [badPhone]],
      ['a phone of letters', contactRequestBody({ phone: 'call me maybe' }), [badPhone]],
      ['a phone in an impossible area code', contactRequestBody({ phone: '(555) 555-2671' }), [badPhone]],
      [
        'an invalid phone for the email channel',
        contactRequestBody({ preferredChannel: 'email', email: 'alex@example.org', phone: '12345' }),
        [badPhone],
      ],
      ['a numeric phone', contactRequestBody({ phone: 4155552671 }), [mustBeString('phone')]],
      ['a null phone', contactRequestBody({ phone: null }), [phoneRequired('text')]],
      ['an empty phone', contactRequestBody({ phone: '' }), [phoneRequired('text')]],
      ['a 41-character phone', contactRequestBody({ phone: '4'.repeat(41) }), [tooLong('phone', 40)]],
      ['a line break in the phone', contactRequestBody({ phone: '415 555\n2671' }), [singleLine('phone')]],
      ['no phone for the text channel', contactRequestBody({ phone: undefined }), [phoneRequired('text')]],
      [
        'no phone for the call channel',
        contactRequestBody({ preferredChannel: 'call', phone: undefined }),
        [phoneRequired('call')],
      ],
      ['an invalid email', contactRequestBody({ email: 'alex@' }), [notEmail]],
      ['an email without a domain dot', contactRequestBody({ email: 'alex@example' }), [notEmail]],
      ['two at signs', contactRequestBody({ email: 'alex@@example.org' }), [notEmail]],
      ['a numeric email', contactRequestBody({ email: 42 }), [mustBeString('email')]],
      ['a null email', contactRequestBody({ email: null }), [mustBeString('email')]],
      [
        'a 255-character email',
        contactRequestBody({ email: `${'a'.repeat(64)}@${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(58)}.org` }),
        [tooLong('email', 254)],
      ],
      ['no email for the email channel', contactRequestBody({ preferredChannel: 'email' }), [emailRequired]],
      [
        'no preferredChannel',
        contactRequestBody({ preferredChannel: undefined }),
        [err('preferredChannel', `preferredChannel must be one of: ${CHANNELS}`)],
      ],
      [
        'an unknown preferredChannel',
        contactRequestBody({ preferredChannel: 'fax' }),
        [err('preferredChannel', `preferredChannel must be one of: ${CHANNELS}`)],
      ],
      [
        'preferredChannel in capitals',
        contactRequestBody({ preferredChannel: 'TEXT' }),
        [err('preferredChannel', `preferredChannel must be one of: ${CHANNELS}`)],
      ],
      [
        'a null preferredChannel',
        contactRequestBody({ preferredChannel: null }),
        [err('preferredChannel', `preferredChannel must be one of: ${CHANNELS}`)],
      ],
      [
        'an unknown preferredTime',
        contactRequestBody({ preferredTime: 'midnight' }),
        [err('preferredTime', `preferredTime must be one of: ${TIMES}`)],
      ],
      [
        'a null preferredTime',
        contactRequestBody({ preferredTime: null }),
        [err('preferredTime', `preferredTime must be one of: ${TIMES}`)],
      ],
      [
        'an unknown serviceInterest',
        contactRequestBody({ serviceInterest: 'massage' }),
        [err('serviceInterest', 'serviceInterest must be the slug of an existing service')],
      ],
      ['a serviceInterest list', contactRequestBody({ serviceInterest: ['other'] }), [mustBeString('serviceInterest')]],
      ['a 1001-character message', contactRequestBody({ message: 'm'.repeat(1001) }), [tooLong('message', 1000)]],
      ['a message of 1001 emoji', contactRequestBody({ message: '🙂'.repeat(1001) }), [tooLong('message', 1000)]],
      [
        'a message that only fits without its variation selector',
        contactRequestBody({ message: `${'m'.repeat(999)}\u2764\uFE0F` }),
        [tooLong('message', 1000)],
      ],
      ['a numeric message', contactRequestBody({ message: 42 }), [mustBeString('message')]],
      ['a NUL in the message', contactRequestBody({ message: 'Hello\u0000there' }), [multiLine('message')]],
      ['a DEL in the message', contactRequestBody({ message: 'Hello\u007fthere' }), [multiLine('message')]],
      [
        'a bidirectional isolate in the message',
        contactRequestBody({ message: 'Hello \u2067there\u2069' }),
        [multiLine('message')],
      ],
      ['consentToContact false', contactRequestBody({ consentToContact: false }), [noConsent]],
      ['consentToContact "true"', contactRequestBody({ consentToContact: 'true' }), [noConsent]],
      ['consentToContact 1', contactRequestBody({ consentToContact: 1 }), [noConsent]],
      ['consentToContact null', contactRequestBody({ consentToContact: null }), [noConsent]],
      ['no consentToContact', contactRequestBody({ consentToContact: undefined }), [noConsent]],
      ['consentToText false for the text channel', contactRequestBody({ consentToText: false }), [noTextConsent]],
      ['no consentToText for the text channel', contactRequestBody({ consentToText: undefined }), [noTextConsent]],
      [
        'consentToText "true"',
        contactRequestBody({ consentToText: 'true' }),
        [err('consentToText', 'consentToText must be a boolean value')],
      ],
      [
        'consentToText 1',
        contactRequestBody({ consentToText: 1 }),
        [err('consentToText', 'consentToText must be a boolean value')],
      ],
      ['consentToText null', contactRequestBody({ consentToText: null }), [noTextConsent]],
      ['a 501-character website', contactRequestBody({ website: 'w'.repeat(501) }), [tooLong('website', 500)]],
      ['a numeric website', contactRequestBody({ website: 42 }), [mustBeString('website')]],
      ['a status', contactRequestBody({ status: 'new' }), [unknownField('status')]],
      ['a reference', contactRequestBody({ reference: 'CR-222222' }), [unknownField('reference')]],
      [
        'unknown fields',
        contactRequestBody({ consent: true, assignedTo: randomUUID() }),
        [unknownField('consent'), unknownField('assignedTo')],
      ],
      ['an array body', [contactRequestBody()], NOT_OBJECT],
      ['a string body', 'hello', NOT_OBJECT],
      ['a number body', 42, NOT_OBJECT],
      ['a null body', null, NOT_OBJECT],
    ];
    it.each(cases)('refuses %s (400)', async (_case, body, errors) => {
      expectInvalid(await submit(body), SUBMIT, errors);
    });

    it.each<[string, Record<string, unknown>, FieldError[]]>([
      [
        'the text channel without a phone or consent to texts',
        { phone: undefined, consentToText: undefined },
        [phoneRequired('text'), noTextConsent],
      ],
      [
        // The phone's validity depends on the configured region: it is checked once the rest is valid.
        'the text channel with an invalid phone and consent to texts refused',
        { phone: '12345', consentToText: false },
        [noTextConsent],
      ],
      [
        'the email channel with an invalid phone and no email',
        { preferredChannel: 'email', phone: '12345' },
        [emailRequired],
      ],
      [
        'several rules of the class at once',
        { name: '', phone: 7, preferredTime: 'never', message: 'm'.repeat(1001), consentToContact: false, extra: 1 },
        [
          unknownField('extra'),
          empty('name'),
          mustBeString('phone'),
          err('preferredTime', `preferredTime must be one of: ${TIMES}`),
          tooLong('message', 1000),
          noConsent,
        ],
      ],
    ])('reports every broken rule of %s together (400)', async (_case, overrides, errors) => {
      expectInvalid(await submit(contactRequestBody(overrides)), SUBMIT, errors);
    });

    it('reports the channel rules together with the field rules (400)', async () => {
      expectInvalid(
        await submit(contactRequestBody({ name: '', phone: undefined, consentToText: undefined })),
        SUBMIT,
        [empty('name'), phoneRequired('text'), noTextConsent],
      );
    });

    it('treats empty optional inputs as absent, as forms send them (201)', async () => {
      const res = await submit(
        contactRequestBody({
          preferredChannel: 'email',
          email: 'alex@example.org',
          phone: '',
          message: '  ',
          consentToText: undefined,
        }),
      );
      expect(res.status).toBe(201);
    });

    it('refuses a query parameter (400)', async () => {
      expectInvalid(
        await withJson(http().post(SUBMIT).query({ utm_source: 'newsletter' }), contactRequestBody()),
        SUBMIT,
        [unknownField('utm_source')],
      );
    });

    it('refuses a request without a body, malformed JSON and a non-JSON content type', async () => {
      await expectJsonBodyOnly(
        () => http().post(SUBMIT),
        SUBMIT,
        contactRequestBody({ consentToContact: 'true', consentToText: 'true' }),
      );
    });

    describe('the Idempotency-Key header', () => {
      it.each([
        ['only white space (trimmed to empty)', ' '],
        ['empty', ''],
        ['256 characters', 'k'.repeat(256)],
        ['a space inside', 'my key'],
        ['a tab inside', 'my\tkey'],
        ['non-ASCII (Latin-1)', 'clé-42'],
      ])('refuses a key that is %s (400 naming Idempotency-Key)', async (_case, key) => {
        const res = await submit(contactRequestBody()).set('Idempotency-Key', key);
        expectInvalid(res, SUBMIT, IDEMPOTENCY_KEY);
      });

      it('refuses the header sent twice (the values are joined with a comma and a space)', async () => {
        const res = await withJson(
          http()
            .post(SUBMIT)
            .set({ 'Idempotency-Key': ['first-key', 'second-key'] }),
          contactRequestBody(),
        );
        expectInvalid(res, SUBMIT, IDEMPOTENCY_KEY);
      });

      it('reports the body errors first when the body is invalid too', async () => {
        const res = await submit(contactRequestBody({ name: '' })).set('Idempotency-Key', 'my key');
        expectInvalid(res, SUBMIT, [empty('name')]);
      });

      it('does not store anything when it refuses the key', async () => {
        const before = (await list({ pageSize: 1 })).body.meta.total as number;
        expect((await submit(contactRequestBody()).set('Idempotency-Key', ' ')).status).toBe(400);
        expect((await list({ pageSize: 1 })).body.meta.total).toBe(before);
      });

      it('accepts a key of 255 visible ASCII characters (201)', async () => {
        const key = `${'!~'.repeat(127)}k`;
        expect(key).toHaveLength(255);
        expectJson(await submit(contactRequestBody()).set('Idempotency-Key', key), 201, receipt());
      });
    });

    describe('never echoes what was sent', () => {
      const secrets: [string, Record<string, unknown>, FieldError[]][] = [
        ['an invalid phone', { phone: '+1 555 SECRET-NUMBER' }, [badPhone]],
        ['an invalid email', { email: 'secret.person@@SECRET-DOMAIN' }, [notEmail]],
        ['a name with a control character', { name: 'SECRET\u0000NAME' }, [singleLine('name')]],
        ['a long message', { message: `SECRET-MESSAGE ${'m'.repeat(1000)}` }, [tooLong('message', 1000)]],
        ['an unknown field', { diagnosis: 'SECRET-DIAGNOSIS' }, [unknownField('diagnosis')]],
      ];
      it.each(secrets)('in the answer to %s', async (_case, overrides, errors) => {
        const res = await submit(contactRequestBody(overrides));
        expectInvalid(res, SUBMIT, errors);
        expect(res.text).not.toContain('SECRET');
        expect(JSON.stringify(res.headers)).not.toContain('SECRET');
      });

      it('in the logs', async () => {
        app().logs.lines.length = 0;
        for (const [, overrides] of secrets) expect((await submit(contactRequestBody(overrides))).status).toBe(400);
        expect(app().logs.lines.length).toBeGreaterThan(0);
        expect(app().logs.text).not.toContain('SECRET');
      });

      it('in the answer to an invalid phone or email in the staff search, nor in the logs', async () => {
        app().logs.lines.length = 0;
        const phone = await send('post', `${ADMIN}/search`, { phone: '+1 555 SECRET-NUMBER' });
        expectInvalid(phone, `${ADMIN}/search`, [badPhone]);
        const email = await send('post', `${ADMIN}/search`, { email: 'secret.person@@SECRET-DOMAIN' });
        expectInvalid(email, `${ADMIN}/search`, [notEmail]);
        expect(phone.text + email.text + app().logs.text).not.toContain('SECRET');
      });
    });

    it.each(INJECTIONS)('stores %j as plain text and shows it verbatim to staff (201)', async (text) => {
      const res = await submit(contactRequestBody({ name: `Alex ${text}`, message: text }));
      expectJson(res, 201, receipt());
      const stored = await http()
        .get(`${ADMIN}/${await idOf(res.body.reference as string)}`)
        .set(frontdesk.auth);
      expect(stored.status).toBe(200);
      expect(stored.body).toMatchObject({ name: `Alex ${text}`, message: text, phone: '+14155552671' });
    });

    it('accepts the longest fields, line breaks in the message and 1000 emoji (201)', async () => {
      const head = 'Line one.\n\nLine two\twith a tab.\r\n';
      const message = `${head}${'🙂'.repeat(1000 - head.length)}`;
      expect([...message]).toHaveLength(1000);
      const res = await submit(
        contactRequestBody({
          name: `  ${'n'.repeat(100)}  `,
          phone: '  +1 (415) 555-2671          ',
          message,
          website: '',
        }),
      );
      expectJson(res, 201, receipt());
      const stored = await http()
        .get(`${ADMIN}/${await idOf(res.body.reference as string)}`)
        .set(frontdesk.auth);
      expect(stored.body).toMatchObject({ name: 'n'.repeat(100), phone: '+14155552671', message, status: 'new' });
    });

    it('accepts each channel with only what it needs (201)', async () => {
      const minimal = { name: 'Sam', consentToContact: true };
      expectJson(await submit({ ...minimal, preferredChannel: 'call', phone: '415.555.2671' }), 201, receipt('call'));
      expectJson(
        await submit({ ...minimal, preferredChannel: 'email', email: 'Sam@Example.org' }),
        201,
        receipt('email'),
      );
      expectJson(
        await submit({ ...minimal, preferredChannel: 'text', phone: '+44 20 7946 0958', consentToText: true }),
        201,
        receipt('text'),
      );
      expectJson(
        await submit({ ...minimal, preferredChannel: 'call', phone: '+1 415 555 2671', consentToText: false }),
        201,
        receipt('call'),
      );
    });

    it('answers a filled honeypot like any other request, and files it as spam (201)', async () => {
      const res = await submit(contactRequestBody({ website: 'https://cheap-pills.example' }));
      expectJson(res, 201, receipt());
      const stored = await http()
        .get(`${ADMIN}/${await idOf(res.body.reference as string)}`)
        .set(frontdesk.auth);
      expect(stored.body.status).toBe('spam');
    });

    it('accepts a null website (201)', async () => {
      expectJson(await submit(contactRequestBody({ website: null })), 201, receipt());
    });

    // The email is not trimmed before it is checked (name, phone and message are), although normalizeEmail trims
    // it afterwards: an address with the trailing space that phone keyboards add after autocompletion is refused.
    it('accepts an email with surrounding white space, as it does a phone (201)', async () => {
      const res = await submit(contactRequestBody({ preferredChannel: 'email', email: ' alex@example.org ' }));
      expectJson(res, 201, receipt('email'));
    });
  });

  describe('GET /admin/contact-requests', () => {
    it.each<[Record<string, unknown> | string, FieldError[]]>([
      [{ status: 'open' }, [err('status', `status must be one of: ${STATUSES}`)]],
      [{ status: 'NEW' }, [err('status', `status must be one of: ${STATUSES}`)]],
      [{ status: '' }, [err('status', `status must be one of: ${STATUSES}`)]],
      ['status=new&status=spam', [err('status', `status must be one of: ${STATUSES}`)]],
      [{ channel: 'fax' }, [err('channel', `channel must be one of: ${CHANNELS}`)]],
      [{ from: 'yesterday' }, [err('from', ISO_MESSAGE('from'))]],
      [{ from: '2026-11-20' }, [err('from', ISO_MESSAGE('from'))]],
      [{ from: '2026-11-20T12:00:00' }, [err('from', ISO_MESSAGE('from'))]],
      [{ from: '1763640000000' }, [err('from', ISO_MESSAGE('from'))]],
      [{ from: '2026-02-30T12:00:00Z' }, [err('from', 'from must be a real date and time')]],
      [{ from: '1899-12-31T12:00:00Z' }, [err('from', 'from must be in the years 1900 to 2200')]],
      [{ to: 'tomorrow' }, [err('to', ISO_MESSAGE('to'))]],
      [{ to: '2026-12-31T23:59:60Z' }, [err('to', 'to must be a real date and time')]],
      [{ to: '2201-01-01T00:00:00Z' }, [err('to', 'to must be in the years 1900 to 2200')]],
      [{ from: '2026-11-20T12:00:00Z', to: '2026-11-19T12:00:00Z' }, [err('to', 'to must not be earlier than from')]],
      [
        { from: '2026-11-20T12:00:00.001Z', to: '2026-11-20T12:00:00.000Z' },
        [err('to', 'to must not be earlier than from')],
      ],
      [
        { from: '2026-11-20T12:00:00-01:00', to: '2026-11-20T12:30:00Z' },
        [err('to', 'to must not be earlier than from')],
      ],
      [{ from: 'soon', to: 'later' }, [err('from', ISO_MESSAGE('from')), err('to', ISO_MESSAGE('to'))]],
      // Contact details never go in a URL: they are searched with POST …/search.
      [{ phone: '4155552671' }, [unknownField('phone')]],
      [{ email: 'alex@example.org' }, [unknownField('email')]],
      [{ page: 0 }, [err('page', 'page must not be less than 1')]],
      [{ page: 'abc' }, [err('page', 'page must be an integer number')]],
      [{ page: '1.5' }, [err('page', 'page must be an integer number')]],
      [{ pageSize: 0 }, [err('pageSize', 'pageSize must not be less than 1')]],
      [{ pageSize: 101 }, [err('pageSize', 'pageSize must not be greater than 100')]],
      [{ pageSize: '1e2' }, [err('pageSize', 'pageSize must be an integer number')]],
      [{ q: 'alex' }, [unknownField('q')]],
      [{ name: "'; DROP TABLE contact_requests; --" }, [unknownField('name')]],
      [{ sort: '-createdAt' }, [unknownField('sort')]],
      [{ assignedTo: randomUUID() }, [unknownField('assignedTo')]],
      [
        { status: 'nope', channel: 'pigeon', pageSize: 500 },
        [
          err('status', `status must be one of: ${STATUSES}`),
          err('channel', `channel must be one of: ${CHANNELS}`),
          err('pageSize', 'pageSize must not be greater than 100'),
        ],
      ],
    ])('refuses the query %j (400)', async (query, errors) => {
      expectInvalid(await list(query), ADMIN, errors);
    });

    it('accepts from equal to to, and a phone or email in any common form (200)', async () => {
      for (const query of [
        { from: NOW, to: NOW },
        { status: 'new', channel: 'text', page: 2, pageSize: 100 },
      ]) {
        const res = await list(query);
        expect(res.status).toBe(200);
        expect(res.headers['cache-control']).toBe('no-store');
      }
    });
  });

  describe('POST /admin/contact-requests/search', () => {
    const SEARCH = `${ADMIN}/search`;
    const search = (body: unknown) => send('post', SEARCH, body);
    const termRequired = 'phone or email is required to search; list without them';

    it.each<[unknown, FieldError[]]>([
      [{}, [err('phone', termRequired), err('email', termRequired)]],
      [{ status: 'new', page: 2 }, [err('phone', termRequired), err('email', termRequired)]],
      [{ phone: '12345' }, [badPhone]],
      [{ phone: 'not a phone' }, [badPhone]],
      [{ phone: '' }, [empty('phone')]],
      [{ phone: 4155552671 }, [mustBeString('phone')]],
      [{ phone: '4'.repeat(41) }, [tooLong('phone', 40)]],
      [{ phone: ['4155552671', '4155552672'] }, [mustBeString('phone')]],
      [{ phone: null }, [mustBeString('phone')]],
      [{ email: 'alex@' }, [notEmail]],
      [{ email: '' }, [notEmail]],
      [{ email: 42 }, [mustBeString('email')]],
      [
        { email: `${'a'.repeat(64)}@${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(58)}.org` },
        [tooLong('email', 254)],
      ],
      [{ email: "' OR 1=1 --@example.org" }, [notEmail]],
      [{ phone: '4155552671', status: 'open' }, [err('status', `status must be one of: ${STATUSES}`)]],
      [{ phone: '4155552671', from: 'yesterday' }, [err('from', ISO_MESSAGE('from'))]],
      [{ phone: '4155552671', page: 0 }, [err('page', 'page must not be less than 1')]],
      [{ phone: '4155552671', page: 1.5 }, [err('page', 'page must be an integer number')]],
      [{ phone: '4155552671', pageSize: 101 }, [err('pageSize', 'pageSize must not be greater than 100')]],
      [{ phone: '4155552671', q: 'alex' }, [unknownField('q')]],
      [{ phone: '4155552671', name: "'; DROP TABLE contact_requests; --" }, [unknownField('name')]],
      [{ phone: '4155552671', sort: '-createdAt' }, [unknownField('sort')]],
      [[{ phone: '4155552671' }], NOT_OBJECT],
      ['4155552671', NOT_OBJECT],
      [null, NOT_OBJECT],
    ])('refuses the body %j (400)', async (body, errors) => {
      expectInvalid(await search(body), SEARCH, errors);
    });

    it('takes JSON only', async () => {
      await expectJsonBodyOnly(() => http().post(SEARCH).set(frontdesk.auth), SEARCH, { phone: '4155552671' });
    });

    it('accepts a phone or email in any common form, with the list filters (200, no-store)', async () => {
      for (const body of [
        { phone: '(415) 555-2671' },
        { phone: '+1 415 555 2671' },
        { email: 'ALEX@example.org' },
        { email: 'alex@example.org', phone: '4155552671', status: 'new', channel: 'text', page: 2, pageSize: 100 },
        { phone: '4155552671', from: NOW, to: NOW },
      ]) {
        const res = await search(body);
        expect(res.status).toBe(200);
        expect(res.headers['cache-control']).toBe('no-store');
      }
    });
  });

  describe('PATCH /admin/contact-requests/{id}', () => {
    const url = () => `${ADMIN}/${id}`;

    it.each<BodyCase>([
      ['an unknown status', { status: 'done' }, [err('status', `status must be one of: ${STATUSES}`)]],
      ['a status in capitals', { status: 'CLOSED' }, [err('status', `status must be one of: ${STATUSES}`)]],
      ['a null status', { status: null }, [err('status', `status must be one of: ${STATUSES}`)]],
      ['assignedTo not a UUID', { assignedTo: 'frontdesk' }, [err('assignedTo', 'assignedTo must be a UUID')]],
      ['a numeric assignedTo', { assignedTo: 42 }, [err('assignedTo', 'assignedTo must be a UUID')]],
      ['an empty assignedTo', { assignedTo: '' }, [err('assignedTo', 'assignedTo must be a UUID')]],
      ['an unknown field', { status: 'in_progress', note: 'called back' }, [unknownField('note')]],
      ['a version', { version: 2 }, [unknownField('version')]],
      ['a phone', { phone: '+14155552671' }, [unknownField('phone')]],
      ['an array body', [{ status: 'in_progress' }], NOT_OBJECT],
      ['a string body', 'in_progress', NOT_OBJECT],
      ['a null body', null, NOT_OBJECT],
      ['a number body', 1, NOT_OBJECT],
    ])('refuses %s (400)', async (_case, body, errors) => {
      expectInvalid(await send('patch', url(), body), url(), errors);
    });

    it('refuses a request without a body (400)', async () => {
      expectInvalid(await http().patch(url()).set(frontdesk.auth), url(), NOT_OBJECT);
    });

    it('refuses assignedTo of a user that does not exist (400 naming assignedTo)', async () => {
      expectInvalid(await send('patch', url(), { assignedTo: randomUUID() }), url(), [
        err('assignedTo', 'assignedTo must be an active staff member'),
      ]);
    });

    it('refuses assignedTo of a deactivated user, and changes nothing else of that update (400)', async () => {
      const gone = await createStaff(app(), 'frontdesk');
      await app().app.get(DataSource).getRepository(User).update({ id: gone.user.id }, { active: false });
      expectInvalid(await send('patch', url(), { status: 'in_progress', assignedTo: gone.user.id }), url(), [
        err('assignedTo', 'assignedTo must be an active staff member'),
      ]);
      const after = await http().get(url()).set(frontdesk.auth);
      expect(after.body).toMatchObject({ status: 'new', assignedTo: null, version: 1 });
      expect(after.body.history).toHaveLength(1);
    });

    it('accepts assignedTo of an active user and null to unassign (200)', async () => {
      const assigned = await send('patch', url(), { assignedTo: frontdesk.user.id });
      expect(assigned.status).toBe(200);
      expect(assigned.body).toMatchObject({ assignedTo: frontdesk.user.id, version: 2 });
      const unassigned = await send('patch', url(), { assignedTo: null });
      expect(unassigned.status).toBe(200);
      expect(unassigned.body).toMatchObject({ assignedTo: null, version: 3 });
    });

    // The comparison with the current assignee is on the strings as sent: the same UUID in capitals counts as a
    // change, bumps the version (breaking other editors' If-Match) and writes an audit event.
    it('treats the current assignee’s id in capitals as no change (200, same version)', async () => {
      const first = await send('patch', url(), { assignedTo: frontdesk.user.id });
      const again = await send('patch', url(), { assignedTo: frontdesk.user.id.toUpperCase() });
      expect(again.status).toBe(200);
      expect(again.body).toMatchObject({ assignedTo: frontdesk.user.id, version: first.body.version });
    });
  });

  describe('POST /admin/contact-requests/{id}/notes', () => {
    const url = () => `${ADMIN}/${id}/notes`;

    it.each<BodyCase>([
      ['an empty object', {}, [mustBeString('body')]],
      ['a null body field', { body: null }, [mustBeString('body')]],
      ['a numeric body', { body: 42 }, [mustBeString('body')]],
      ['a list', { body: ['a', 'b'] }, [mustBeString('body')]],
      ['an empty body', { body: '' }, [empty('body')]],
      ['a whitespace-only body', { body: ' \n\t ' }, [empty('body')]],
      ['a 2001-character body', { body: 'n'.repeat(2001) }, [tooLong('body', 2000)]],
      ['2001 emoji', { body: '🙂'.repeat(2001) }, [tooLong('body', 2000)]],
      ['a NUL', { body: 'Left a\u0000voicemail' }, [multiLine('body')]],
      ['an escape sequence', { body: 'Left a \u001b[2Jvoicemail' }, [multiLine('body')]],
      ['an unknown field', { body: 'Called.', private: true }, [unknownField('private')]],
      ['an author', { body: 'Called.', authorId: randomUUID() }, [unknownField('authorId')]],
      ['an array body', [{ body: 'Called.' }], NOT_OBJECT],
      ['a string body', 'Called.', NOT_OBJECT],
      ['a null JSON body', null, NOT_OBJECT],
    ])('refuses %s (400)', async (_case, body, errors) => {
      expectInvalid(await send('post', url(), body), url(), errors);
    });

    it('refuses a request without a body (400)', async () => {
      expectInvalid(await http().post(url()).set(frontdesk.auth), url(), NOT_OBJECT);
    });

    it.each(INJECTIONS)('stores the note %j verbatim (201)', async (text) => {
      const res = await send('post', url(), { body: text });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ body: text, authorId: frontdesk.user.id });
    });

    it('accepts 2000 characters with line breaks (201)', async () => {
      const body = `Called twice.\nNo answer.\t${'n'.repeat(2000 - 25)}`;
      expect(body).toHaveLength(2000);
      const res = await send('post', url(), { body });
      expect(res.status).toBe(201);
      expect(res.body.body).toBe(body);
    });
  });

  describe('{id} parameters', () => {
    it.each<[Record<string, unknown>, FieldError[]]>([
      [{ page: 0 }, [err('page', 'page must not be less than 1')]],
      [{ pageSize: 101 }, [err('pageSize', 'pageSize must not be greater than 100')]],
      [{ action: 'contact_request.read' }, [unknownField('action')]],
    ])('audit refuses the query %j (400)', async (query, errors) => {
      const url = `${ADMIN}/${id}/audit`;
      expectInvalid(await http().get(url).set(frontdesk.auth).query(query), url, errors);
    });

    it('DELETE refuses a request body, and erases nothing (400)', async () => {
      const url = `${ADMIN}/${id}`;
      expectInvalid(await http().delete(url).set(frontdesk.auth).send({ reason: 'asked by phone' }), url, NO_BODY);
    });

    it.each([
      ['PATCH', '', { status: 'in_progress' }],
      ['notes', '/notes', { body: 'Called.' }],
    ])('%s refuses a query parameter (400)', async (_route, suffix, body) => {
      const url = `${ADMIN}/${id}${suffix}`;
      const req = suffix ? http().post(url) : http().patch(url);
      expectInvalid(await withJson(req.set(frontdesk.auth).query({ force: 'true' }), body), url, [
        unknownField('force'),
      ]);
    });

    it.each(['GET', 'DELETE'])('%s refuses a query parameter (400)', async (method) => {
      const url = `${ADMIN}/${id}`;
      const req = method === 'GET' ? http().get(url) : http().delete(url);
      expectInvalid(await req.set(frontdesk.auth).query({ include: 'notes' }), url, [unknownField('include')]);
    });

    it('left the target in place after all those refusals', async () => {
      const res = await http().get(`${ADMIN}/${id}`).set(frontdesk.auth);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ id, name: 'Alex Rivera', phone: '+14155552671' });
    });
  });
});
