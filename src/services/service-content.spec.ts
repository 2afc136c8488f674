import { AppException } from '../common/errors/app-exception.js';
import { feeColumns, serviceEdits } from './service-content.js';
import type { Service } from './service.entity.js';

describe('feeColumns', () => {
  it('stores no fee as five nulls', () => {
    expect(feeColumns(null)).toEqual({
      feeMin: null,
      feeMax: null,
      feeCurrency: null,
      slidingScaleMin: null,
      slidingScaleNote: null,
    });
  });

  it('stores a range with its currency in upper case and the sliding scale', () => {
    expect(feeColumns({ min: 100, max: 150, currency: 'usd', slidingScale: { min: 40, note: 'Ask.' } })).toEqual({
      feeMin: 100,
      feeMax: 150,
      feeCurrency: 'USD',
      slidingScaleMin: 40,
      slidingScaleNote: 'Ask.',
    });
  });

  it('refuses a range upside down and a sliding scale above the lowest fee, naming both fields', () => {
    let error: unknown;
    try {
      feeColumns({ min: 100, max: 90, currency: 'USD', slidingScale: { min: 120 } });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(AppException);
    expect((error as AppException).options.errors).toEqual([
      { field: 'fee.max', message: 'fee.max must not be below fee.min' },
      { field: 'fee.slidingScale.min', message: 'fee.slidingScale.min must not be above fee.min' },
    ]);
  });
});

describe('serviceEdits', () => {
  const current = {
    name: 'Couples therapy',
    description: 'Old',
    descriptionHtml: '<p>Old</p>\n',
    audiences: ['couples'],
    insuranceAccepted: [],
  } as unknown as Service;

  it('names only the fields that change (lists compared by value), rendering a new description', () => {
    const { changes, fields } = serviceEdits(current, {
      name: 'Couples therapy',
      audiences: ['couples'],
      description: 'New **text**',
    });
    expect(fields).toEqual(['description']);
    expect(changes.descriptionHtml).toBe('<p>New <strong>text</strong></p>\n');
  });
});
