import request from 'supertest';
import { createApp } from '../src/app.factory.js';
import { TEST_DATA_ENCRYPTION_KEY, TEST_JWT_SECRET, testLogger, withTestApp } from './utils/test-app.js';

/** The Swagger UI options the page boots with, as the browser receives them. */
async function swaggerUiOptions(server: Parameters<typeof request>[0]): Promise<string> {
  const res = await request(server).get('/docs/swagger-ui-init.js');
  expect(res.status).toBe(200);
  return res.text;
}

describe('production mode (NODE_ENV=production)', () => {
  it('keeps Swagger UI for staff, but a pasted token ends with the browser tab (persistAuthorization off)', async () => {
    await withTestApp({ env: { NODE_ENV: 'production', SHUTDOWN_DRAIN_MS: '0' } }, async (app) => {
      const options = await swaggerUiOptions(app.app.getHttpServer());
      expect(options).toContain('"persistAuthorization": false');
      expect(options).not.toContain('"persistAuthorization": true');
    });
    await withTestApp({ env: { NODE_ENV: 'development' } }, async (app) => {
      expect(await swaggerUiOptions(app.app.getHttpServer())).toContain('"persistAuthorization": true');
    });
  });

  it('runs on the embedded database only when allowed explicitly, and then loads no demo content', async () => {
    const running = await createApp({
      env: {
        NODE_ENV: 'production',
        ALLOW_EMBEDDED_IN_PRODUCTION: 'true',
        PGLITE_DATA_DIR: 'memory://',
        JWT_SECRET: TEST_JWT_SECRET,
        DATA_ENCRYPTION_KEY: TEST_DATA_ENCRYPTION_KEY,
        NOTIFY_DISPATCH_INTERVAL_MS: '0',
        SHUTDOWN_DRAIN_MS: '0',
      },
      logger: testLogger,
    });
    try {
      const server = running.app.getHttpServer();
      const articles = await request(server).get('/api/v1/articles');
      expect(articles.status).toBe(200);
      expect(articles.body.meta).toMatchObject({ total: 0 });
      const hours = await request(server).get('/api/v1/hours');
      expect(hours.body.data).toEqual([]);
      // Tokens are signed with the configured secret, not a random one that would end with the process.
      expect(running.config.auth.jwtSecretGenerated).toBe(false);
    } finally {
      await running.close();
    }
  });
});
