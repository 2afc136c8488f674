// The built API (dist/), configured only from the environment object the parent sends.
import { createApp } from '../../dist/src/app.factory.js';
import { limitHeapGrowth } from '../../dist/src/config/heap-growth.js';
import { serveForBench } from './child.mjs';

// What src/main.ts does first: the API's heap settings, as in production.
limitHeapGrowth();

serveForBench(async ({ env }) => {
  const running = await createApp({ env });
  try {
    await running.app.listen({ port: 0, host: '127.0.0.1' });
  } catch (error) {
    await running.close();
    throw error;
  }
  return { port: running.app.getHttpServer().address().port, close: () => running.close() };
});
