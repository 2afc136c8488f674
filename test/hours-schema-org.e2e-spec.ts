import { DateTime } from 'luxon';
import { ManualClock } from '../src/common/clock/clock.js';
import { createStaff, type StaffMember } from './factories/index.js';
import { useTestApp } from './utils/test-app.js';

/** A Monday noon in New York, so no test depends on the real date. */
const NOW = DateTime.fromISO('2026-11-16T12:00:00', { zone: 'America/New_York' });

describe('hours JSON-LD (schema-org) embedded in a script element', () => {
  const app = useTestApp({ isolatedDatabase: true, clock: new ManualClock(NOW.toJSDate()) });
  let frontdesk: StaffMember;

  beforeAll(async () => {
    frontdesk = await createStaff(app(), 'frontdesk');
  });

  it('escapes <, >, &, U+2028 and U+2029 in every string, and still parses to the same document', async () => {
    const put = await app()
      .http()
      .put('/api/v1/admin/hours/escaped')
      .set(frontdesk.auth)
      .send({
        name: 'Front desk</script><script>alert(1)</script>',
        timeZone: 'America/New_York',
        description: 'Calls & texts <!-- here -->\u2028line\u2029end',
        periods: [{ day: 'monday', opens: '09:00', closes: '17:00' }],
      });
    expect(put.status).toBe(201);
    const exception = await app()
      .http()
      .post('/api/v1/admin/hours/escaped/exceptions')
      .set(frontdesk.auth)
      .send({ startDate: '2026-11-26', closed: true, label: 'Thanks</script>giving' });
    expect(exception.status).toBe(201);

    const res = await app().http().get('/api/v1/hours/escaped/schema-org');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/ld+json; charset=utf-8');
    expect(res.text).toBe(
      '{"@context":"https://schema.org","@type":"MedicalClinic",' +
        '"name":"Front desk\\u003c/script\\u003e\\u003cscript\\u003ealert(1)\\u003c/script\\u003e",' +
        '"description":"Calls \\u0026 texts \\u003c!-- here --\\u003e\\u2028line\\u2029end",' +
        '"openingHoursSpecification":[' +
        '{"@type":"OpeningHoursSpecification","dayOfWeek":["https://schema.org/Monday"],"opens":"09:00","closes":"17:00"},' +
        '{"@type":"OpeningHoursSpecification","validFrom":"2026-11-26","validThrough":"2026-11-26",' +
        '"description":"Thanks\\u003c/script\\u003egiving","opens":"00:00","closes":"00:00"}]}',
    );
    expect(JSON.parse(res.text)).toMatchObject({
      name: 'Front desk</script><script>alert(1)</script>',
      description: 'Calls & texts <!-- here -->\u2028line\u2029end',
    });
  });
});
