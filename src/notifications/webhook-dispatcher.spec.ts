import { DISPATCH_BATCH_SIZE, LEASE_MS, REQUEST_TIMEOUT_MS, SEND_CONCURRENCY } from './webhook-dispatcher.service.js';

describe('webhook dispatch limits', () => {
  it('ends a run of timed-out attempts before its leases do, sending fewer at once than it claims', () => {
    expect(SEND_CONCURRENCY).toBeLessThan(DISPATCH_BATCH_SIZE);
    expect(Math.ceil(DISPATCH_BATCH_SIZE / SEND_CONCURRENCY) * REQUEST_TIMEOUT_MS).toBeLessThan(LEASE_MS / 1.5);
  });
});
