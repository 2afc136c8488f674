import { remembered } from './remembered.js';

describe('remembered', () => {
  it('computes each key once while it is kept, and forgets all at once when full', () => {
    const calls: number[] = [];
    const square = remembered(
      2,
      (n: number) => String(n),
      (n: number) => {
        calls.push(n);
        return n * n;
      },
    );
    expect([square(2), square(3), square(2), square(3)]).toEqual([4, 9, 4, 9]);
    expect(calls).toEqual([2, 3]);
    // A third key: the two kept are forgotten, so asking for 2 again computes it.
    expect([square(4), square(4), square(2)]).toEqual([16, 16, 4]);
    expect(calls).toEqual([2, 3, 4, 2]);
  });

  it('remembers answers that are falsy or undefined too', () => {
    let calls = 0;
    const nothing = remembered(
      10,
      () => 'k',
      () => {
        calls++;
        return undefined;
      },
    );
    nothing();
    nothing();
    expect(calls).toBe(1);
  });
});
