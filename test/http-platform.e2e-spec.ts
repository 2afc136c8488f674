import { FixturesModule } from './fixtures/fixtures.module.js';
import { createTestApp, type TestApp } from './utils/test-app.js';

describe('HTTP platform (smoke)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ imports: [FixturesModule] });
  });
  afterAll(async () => {
    await t.close();
  });

  it('serves a fixture list', async () => {
    const res = await t.http().get('/api/v1/fixtures/items?pageSize=2');
    expect(res.status).toBe(200);
    expect(res.body.meta).toEqual({ page: 1, pageSize: 2, total: 57, totalPages: 29 });
  });
});
