import type { Logger as PinoLogger } from 'pino';
import type { AppConfig } from './config/app-config.js';

/** What the process entry point touches, injectable so tests can drive signals and observe exit codes. */
export interface ProcessPort {
  env: Record<string, string | undefined>;
  exit(code: number): void;
  stderr: { write(text: string): unknown };
  on(signal: NodeJS.Signals, listener: () => void): unknown;
  /** What must still leave the process once the app is closed (the last spans, when tracing is on); before exit. */
  flush?(): Promise<void>;
}

/** What a shutdown needs of the running app (`RunningApp` has it). */
export interface Stoppable {
  config: { http: Pick<AppConfig['http'], 'shutdownDrainMs' | 'shutdownTimeoutMs'> };
  logger: Pick<PinoLogger, 'info' | 'warn' | 'error'>;
  drain(): void;
  close(): Promise<void>;
}

/** Runs `callback` after `ms`; returns a cancel function. `holdProcess: false` lets the process exit meanwhile. */
export type Schedule = (callback: () => void, ms: number, options: { holdProcess: boolean }) => () => void;

export const scheduleTimeout: Schedule = (callback, ms, { holdProcess }) => {
  const timer = setTimeout(callback, ms);
  if (!holdProcess) timer.unref();
  return () => clearTimeout(timer);
};

/**
 * SIGTERM/SIGINT, in two phases:
 * 1. Drain, for SHUTDOWN_DRAIN_MS (skipped when 0): readiness answers 503 at once, while the listener stays open
 *    and requests are served as usual, each response closing its connection. A load balancer or Kubernetes keeps
 *    sending traffic for a while after the signal; refusing it would fail requests at the connection level.
 * 2. Close: stop accepting connections, let in-flight requests finish, close the pool (and the embedded
 *    database), then exit 0; after SHUTDOWN_TIMEOUT_MS, counted from the end of the drain, exit 1.
 * So the process is gone at most SHUTDOWN_DRAIN_MS + SHUTDOWN_TIMEOUT_MS after the signal.
 *
 * The listeners stay registered for the life of the process (`on`, not `once`): when the last listener of a
 * signal goes, Node restores the default action, and a second SIGTERM from a supervisor that repeats
 * itself would kill the process mid-shutdown (exit 143) with requests in flight and the embedded
 * database open. A repeated signal is logged and otherwise ignored; the timeout bounds the wait.
 */
export function installShutdownHandlers(
  running: Stoppable,
  proc: Pick<ProcessPort, 'exit' | 'on' | 'flush'>,
  schedule: Schedule = scheduleTimeout,
): void {
  const { config, logger } = running;
  const { shutdownDrainMs: drainMs, shutdownTimeoutMs: timeoutMs } = config.http;
  let stopping = false;

  const shutDown = () => {
    const cancel = schedule(
      () => {
        logger.error(`Shutdown did not finish within ${timeoutMs} ms; exiting`);
        proc.exit(1);
      },
      timeoutMs,
      { holdProcess: false },
    );
    // The flush comes last, so the spans of the requests finished while closing go too; a collector that does
    // not answer costs its export timeout at most (OTEL_EXPORTER_OTLP_TIMEOUT), inside SHUTDOWN_TIMEOUT_MS.
    const flush = () =>
      proc.flush?.().catch((error: unknown) => logger.warn({ err: error }, 'Exporting the last spans failed'));
    running.close().then(
      async () => {
        await flush();
        cancel();
        logger.info('Shutdown complete');
        proc.exit(0);
      },
      async (error: unknown) => {
        await flush();
        cancel();
        logger.error({ err: error }, 'Shutdown failed');
        proc.exit(1);
      },
    );
  };

  const stop = (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn(`${signal} received again: shutdown already in progress`);
      return;
    }
    stopping = true;
    if (drainMs === 0) {
      logger.info(`${signal} received: shutting down`);
      shutDown();
      return;
    }
    logger.info(`${signal} received: draining for ${drainMs} ms (readiness answers 503, requests are still served)`);
    running.drain();
    schedule(
      () => {
        logger.info('Drain over: shutting down');
        shutDown();
      },
      drainMs,
      { holdProcess: true },
    );
  };
  proc.on('SIGTERM', () => stop('SIGTERM'));
  proc.on('SIGINT', () => stop('SIGINT'));
}
