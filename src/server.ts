import { createApp, type RunningApp } from './app.factory.js';
import { ConfigValidationError } from './config/app-config.js';
import { installShutdownHandlers, type ProcessPort } from './shutdown.js';

export type { ProcessPort } from './shutdown.js';

/** Boots and listens. A configuration error prints one message naming every bad variable and exits 1. */
export async function startServer(proc: ProcessPort): Promise<RunningApp | undefined> {
  let running: RunningApp;
  try {
    running = await createApp({ env: proc.env });
  } catch (error) {
    if (error instanceof ConfigValidationError) {
      proc.stderr.write(`${error.message}\n`);
      proc.exit(1);
      return undefined;
    }
    throw error;
  }

  const { app, config, logger } = running;
  installShutdownHandlers(running, proc);
  await app.listen({ port: config.http.port, host: config.http.host });
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : config.http.port;
  logger.info(
    `Well Clinic API listening on http://${config.http.host}:${port}` +
      (config.docs.enabled ? ` (Swagger UI at http://localhost:${port}/docs)` : ''),
  );
  return running;
}
