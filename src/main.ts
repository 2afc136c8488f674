import 'reflect-metadata';
import { loadDotEnv } from './config/dotenv.js';
import { limitHeapGrowth } from './config/heap-growth.js';
import type { ProcessPort } from './shutdown.js';
import { tracingRequested } from './telemetry/tracing-requested.js';

const proc: ProcessPort = {
  env: process.env,
  exit: (code) => process.exit(code),
  stderr: process.stderr,
  on: (signal, listener) => process.on(signal, listener),
};

async function main(): Promise<void> {
  loadDotEnv();
  limitHeapGrowth();
  // OpenTelemetry's instrumentations patch `http` and `pg` as they load, so tracing starts before the app is
  // imported; without an OTLP endpoint it is never loaded at all (no module hooks, no async context tracking).
  if (tracingRequested(proc.env)) {
    const { startTelemetry, TelemetryConfigError } = await import('./telemetry/telemetry.js');
    try {
      const telemetry = startTelemetry(proc.env);
      proc.flush = () => telemetry.shutdown();
    } catch (error) {
      if (!(error instanceof TelemetryConfigError)) throw error;
      proc.stderr.write(`${error.message}\n`);
      proc.exit(1);
      return;
    }
  }
  const { startServer } = await import('./server.js');
  await startServer(proc);
}

main().catch(async (error: unknown) => {
  process.stderr.write(`Failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  await proc.flush?.().catch(() => undefined);
  process.exit(1);
});
