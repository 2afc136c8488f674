import { createApp, type RunningApp } from './app.factory.js';
import { ConfigValidationError } from './config/app-config.js';

/** What the process entry point touches, injectable so tests can drive signals and observe exit codes. */
export interface ProcessPort {
  env: Record<string, string | undefined>;
  exit(code: number): void;
  stderr: { write(text: string): unknown };
  on(signal: NodeJS.Signals, listener: () => void): unknown;
}

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

/**
 * SIGTERM/SIGINT: stop accepting connections, let in-flight requests finish, close the pool (and the
 * embedded database), then exit 0. If that takes longer than SHUTDOWN_TIMEOUT_MS, exit 1.
 *
 * The listeners stay registered for the life of the process (`on`, not `once`): when the last listener of a
 * signal goes, Node restores the default action, and a second SIGTERM from a supervisor that repeats
 * itself would kill the process mid-shutdown (exit 143) with requests in flight and the embedded
 * database open. A repeated signal is logged and otherwise ignored; the timeout bounds the wait.
 */
export function installShutdownHandlers(running: RunningApp, proc: ProcessPort): void {
  const { config, logger } = running;
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn(`${signal} received again: shutdown already in progress`);
      return;
    }
    stopping = true;
    logger.info(`${signal} received: shutting down`);
    const timer = setTimeout(() => {
      logger.error(`Shutdown did not finish within ${config.http.shutdownTimeoutMs} ms; exiting`);
      proc.exit(1);
    }, config.http.shutdownTimeoutMs);
    timer.unref();
    running.close().then(
      () => {
        clearTimeout(timer);
        logger.info('Shutdown complete');
        proc.exit(0);
      },
      (error: unknown) => {
        clearTimeout(timer);
        logger.error({ err: error }, 'Shutdown failed');
        proc.exit(1);
      },
    );
  };
  proc.on('SIGTERM', () => stop('SIGTERM'));
  proc.on('SIGINT', () => stop('SIGINT'));
}
