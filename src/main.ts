import 'reflect-metadata';
import { loadDotEnv } from './config/dotenv.js';
import { startServer } from './server.js';

loadDotEnv();
startServer({
  env: process.env,
  exit: (code) => process.exit(code),
  stderr: process.stderr,
  on: (signal, listener) => process.on(signal, listener),
}).catch((error: unknown) => {
  process.stderr.write(`Failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
