import { connect } from 'node:net';
import { PROBLEM_JSON, expectInvalid, expectProblem, UUID } from './utils/expect-problem.js';
import { fieldError as err, unknownField } from './utils/field-errors.js';
import { createStaff, type StaffMember } from './factories/index.js';
import { useTestApp } from './utils/test-app.js';

const SUBMIT = '/api/v1/contact-requests';
const USERS = '/api/v1/admin/users';
const unsafe = (field: string) => err(field, `${field} must not contain NUL characters or unpaired UTF-16 surrogates`);

/** Sends JSON text as written: `\ud800` stays an escape that JSON.parse turns into a lone surrogate. */
const jsonText = (parts: Record<string, string>) =>
  `{${Object.entries(parts)
    .map(([key, value]) => `"${key}":${value}`)
    .join(',')}}`;

/** Writes raw bytes to the server and reads until it closes the connection. */
function rawExchange(port: number, bytes: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: '127.0.0.1' });
    let received = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (received += chunk));
    socket.on('error', reject);
    socket.on('close', () => resolve(received));
    socket.write(bytes);
  });
}

/** Splits a raw response into its status line, lower-cased headers and parsed body. */
function parseRaw(raw: string): { statusLine: string; headers: Record<string, string>; body: unknown } {
  const [head, ...rest] = raw.split('\r\n\r\n');
  const [statusLine, ...lines] = head.split('\r\n');
  const headers = Object.fromEntries(
    lines.map((line) => {
      const colon = line.indexOf(':');
      return [line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim()];
    }),
  );
  return { statusLine, headers, body: JSON.parse(rest.join('\r\n\r\n')) };
}

describe('hostile and odd input: a 4xx problem, never a 500', () => {
  const app = useTestApp({ env: { RATE_LIMIT_SUBMISSION_LIMIT: '10000' } });
  const http = () => app().http();
  let admin: StaffMember;
  let port: number;

  beforeAll(async () => {
    admin = await createStaff(app(), 'admin');
    await app().app.listen({ port: 0, host: '127.0.0.1' });
    port = (app().app.getHttpServer().address() as { port: number }).port;
  });

  const unhandled = () => app().logs.lines.filter((line) => line.includes('Unhandled error'));
  beforeEach(() => {
    app().logs.lines.length = 0;
  });
  afterEach(() => {
    expect(unhandled()).toEqual([]);
  });

  const submitText = (text: string) => http().post(SUBMIT).set('Content-Type', 'application/json').send(text);

  describe('lone UTF-16 surrogates and NUL', () => {
    // validator.js (class-validator's isEmail) runs encodeURI on the address, which throws URIError on a lone
    // surrogate: this was a 500.
    it('names a contact request email holding a lone surrogate', async () => {
      const res = await submitText(
        jsonText({
          name: '"Alex"',
          email: '"alex\\ud800@example.org"',
          preferredChannel: '"email"',
          consentToContact: 'true',
        }),
      );
      expectInvalid(res, SUBMIT, [err('email', 'email must be an email address')]);
    });

    it('names every field of a contact request holding one, low or high', async () => {
      const res = await submitText(
        jsonText({
          name: '"Alex \\udc00"',
          email: '"\\ud800"',
          preferredChannel: '"email"',
          message: '"Hello \\udbff there"',
          consentToContact: 'true',
        }),
      );
      expectInvalid(res, SUBMIT, [err('email', 'email must be an email address'), unsafe('name'), unsafe('message')]);
    });

    it('names the admin user fields holding lone surrogates (email, password, display name)', async () => {
      const res = await http()
        .post(USERS)
        .set(admin.auth)
        .set('Content-Type', 'application/json')
        .send(
          jsonText({
            email: '"new\\ud800@wellclinic.test"',
            displayName: '"Dana \\ud800"',
            role: '"frontdesk"',
            password: '"calm-harbor-lantern-\\ud800"',
          }),
        );
      expectInvalid(res, USERS, [
        err('email', 'email must be an email address'),
        unsafe('displayName'),
        unsafe('password'),
      ]);
    });

    it('names a password holding NUL', async () => {
      const res = await http().post(USERS).set(admin.auth).send({
        email: 'nul-password@wellclinic.test',
        displayName: 'Dana',
        role: 'frontdesk',
        password: 'calm-harbor-\u0000-lantern',
      });
      expectInvalid(res, USERS, [unsafe('password')]);
    });

    it('names a member name holding one, by its dotted path', async () => {
      const res = await http()
        .patch(`${USERS}/${admin.user.id}`)
        .set(admin.auth)
        .set('Content-Type', 'application/json')
        .send('{"displayName":"Dana","x\\ud800":1}');
      expectInvalid(res, `${USERS}/${admin.user.id}`, [unsafe('x\ud800')]);
    });

    it('names a query parameter holding NUL', async () => {
      const res = await http().get('/api/v1/articles?cursor=%00');
      expectInvalid(res, '/api/v1/articles', [unsafe('cursor')]);
    });

    it('names a path parameter holding NUL', async () => {
      const res = await http().get('/api/v1/articles/self%00help');
      expectInvalid(res, '/api/v1/articles/self%00help', [unsafe('slug')]);
    });
  });

  describe('deep nesting', () => {
    // class-transformer walks a body recursively: ten thousand levels overflowed the stack, a 500 without login.
    const TOO_DEEP = [err('body', 'the request body must not nest objects and arrays more than 32 levels deep')];

    it('refuses 10,000 nested arrays before parsing them', async () => {
      expectInvalid(await submitText('['.repeat(10_000) + ']'.repeat(10_000)), SUBMIT, TOO_DEEP);
    });

    it('refuses 10,000 nested objects in a field', async () => {
      expectInvalid(await submitText('{"name":'.repeat(10_000) + '1' + '}'.repeat(10_000)), SUBMIT, TOO_DEEP);
    });

    it('refuses 33 levels and lets 32 reach validation', async () => {
      const nested = (depth: number) => `{"name":${'['.repeat(depth - 1)}${']'.repeat(depth - 1)}}`;
      expectInvalid(await submitText(nested(33)), SUBMIT, TOO_DEEP);
      const res = await submitText(nested(32));
      expect(res.status).toBe(400);
      expect((res.body as { errors: unknown[] }).errors).toContainEqual(err('name', 'name must be a string'));
    });
  });

  describe('errors[]', () => {
    it('lists the first 50 of 30,000 unknown members, counts them all and stays small', async () => {
      const body: Record<string, number> = {};
      for (let i = 0; i < 30_000; i++) body[`k${i}`] = i;
      const res = await submitText(JSON.stringify(body));

      expectProblem(
        res,
        { code: 'validation_failed', detail: '30000 fields are invalid', instance: SUBMIT },
        { errors: Array.from({ length: 50 }, (_, i) => unknownField(`k${i}`)), errorCount: 30_000 },
      );
      // Was a 1.9 MB answer (and 0.6 s of CPU to build it): the size proves the cap without timing the machine.
      expect(Buffer.byteLength(res.text)).toBeLessThan(5_000);
    });

    it('refuses 30,000 unknown members of a nested object the same way (staff)', async () => {
      const consent: Record<string, number> = {};
      for (let i = 0; i < 30_000; i++) consent[`k${i}`] = i;
      const res = await http()
        .post('/api/v1/admin/testimonials')
        .set(admin.auth)
        .set('Content-Type', 'application/json')
        .send(JSON.stringify({ consent }));
      expectProblem(
        res,
        { code: 'validation_failed', detail: '30000 fields are invalid', instance: '/api/v1/admin/testimonials' },
        { errors: Array.from({ length: 50 }, (_, i) => unknownField(`consent.k${i}`)), errorCount: 30_000 },
      );
    });

    it('caps unknown query parameters the same way', async () => {
      const query = Array.from({ length: 60 }, (_, i) => `p${i}=1`).join('&');
      const res = await http().get(`/api/v1/hours?${query}`);
      expectProblem(
        res,
        { code: 'validation_failed', detail: '60 fields are invalid', instance: '/api/v1/hours' },
        { errors: Array.from({ length: 50 }, (_, i) => unknownField(`p${i}`)), errorCount: 60 },
      );
    });
  });

  it('refuses prototype-pollution members as malformed JSON', async () => {
    for (const text of ['{"__proto__":{"isAdmin":true}}', '{"constructor":{"prototype":{"isAdmin":true}}}']) {
      expectProblem(await submitText(text), {
        code: 'malformed_json',
        detail: 'The request body is not valid JSON.',
        instance: SUBMIT,
      });
    }
  });

  describe("what Node's HTTP parser refuses", () => {
    const expectRawProblem = (
      raw: string,
      statusLine: string,
      problem: { code: string; title: string; status: number; detail: string },
    ) => {
      const res = parseRaw(raw);
      expect(res.statusLine).toBe(statusLine);
      expect(res.headers['content-type']).toBe(PROBLEM_JSON);
      expect(res.headers['connection']).toBe('close');
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['x-request-id']).toMatch(UUID);
      expect(res.body).toEqual({
        type: `/problems/${problem.code.replace(/_/g, '-')}`,
        ...problem,
        instance: '/',
        requestId: res.headers['x-request-id'],
      });
    };
    const TOO_LARGE = {
      code: 'headers_too_large',
      title: 'Request header fields too large',
      status: 431,
      detail: 'The request line and headers exceed the size limit (an over-long URL or header).',
    };

    it('answers an over-long URL with a 431 problem', async () => {
      const raw = await rawExchange(port, `GET /api/v1/articles?q=${'a'.repeat(20_000)} HTTP/1.1\r\nHost: x\r\n\r\n`);
      expectRawProblem(raw, 'HTTP/1.1 431 Request Header Fields Too Large', TOO_LARGE);
    });

    it('answers an oversized header with a 431 problem', async () => {
      const raw = await rawExchange(port, `GET /health HTTP/1.1\r\nHost: x\r\nX-Big: ${'b'.repeat(20_000)}\r\n\r\n`);
      expectRawProblem(raw, 'HTTP/1.1 431 Request Header Fields Too Large', TOO_LARGE);
    });

    it('answers an HTTP/1.1 request without Host with a 400 problem (Node would answer an empty 400)', async () => {
      const res = parseRaw(await rawExchange(port, 'GET /health HTTP/1.1\r\nConnection: close\r\n\r\n'));
      expect(res.statusLine).toBe('HTTP/1.1 400 Bad Request');
      expect(res.headers['content-type']).toBe(PROBLEM_JSON);
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.body).toEqual({
        type: '/problems/bad-request',
        title: 'Bad request',
        status: 400,
        detail: 'An HTTP/1.1 request must have a Host header.',
        instance: '/health',
        code: 'bad_request',
        requestId: res.headers['x-request-id'],
      });
    });

    it('answers an unknown Expect with a 417 problem (Node would answer an empty 417)', async () => {
      const raw = await rawExchange(
        port,
        'POST /api/v1/contact-requests?x=1 HTTP/1.1\r\nHost: x\r\nExpect: foo\r\nContent-Length: 2\r\n\r\n{}',
      );
      const res = parseRaw(raw.replace(/\r\nDate: [^\r]*/, ''));
      expect(res.statusLine).toBe('HTTP/1.1 417 Expectation Failed');
      expect(res.headers).toMatchObject({
        'content-type': PROBLEM_JSON,
        'cache-control': 'no-store',
        connection: 'close',
        'x-content-type-options': 'nosniff',
      });
      expect(res.body).toEqual({
        type: '/problems/expectation-failed',
        title: 'Expectation failed',
        status: 417,
        detail: 'Only "Expect: 100-continue" is supported.',
        instance: '/api/v1/contact-requests',
        code: 'expectation_failed',
        requestId: res.headers['x-request-id'],
      });
    });

    it('answers CONNECT with a 405 problem (Node would close the socket without a word)', async () => {
      expectRawProblem(
        await rawExchange(port, 'CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n'),
        'HTTP/1.1 405 Method Not Allowed',
        {
          code: 'method_not_allowed',
          title: 'Method not allowed',
          status: 405,
          detail: 'CONNECT is not supported: this is not a proxy.',
        },
      );
    });

    it.each([
      ['a malformed request line', 'GARBAGE\r\n\r\n'],
      ['an invalid header name', 'GET /health HTTP/1.1\r\nHost: x\r\nBad Header: 1\r\n\r\n'],
      ['a bad Content-Length', 'POST /api/v1/contact-requests HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n'],
    ])('answers %s with a 400 problem', async (_label, bytes) => {
      expectRawProblem(await rawExchange(port, bytes), 'HTTP/1.1 400 Bad Request', {
        code: 'bad_request',
        title: 'Bad request',
        status: 400,
        detail: 'The request is not valid HTTP/1.1.',
      });
    });
  });
});
