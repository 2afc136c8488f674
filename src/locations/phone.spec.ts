import { isE164 } from './phone.js';

describe('isE164', () => {
  it.each(['+15035550142', '+442079460958', '+81312345678'])('accepts %s', (value) => {
    expect(isE164(value)).toBe(true);
  });

  it.each(['(503) 555-0142', '15035550142', '+1 503 555 0142', '+10000000000', '', 42, null])('refuses %j', (value) => {
    expect(isE164(value)).toBe(false);
  });
});
