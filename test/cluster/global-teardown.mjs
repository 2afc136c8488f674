import { stopPgbouncer } from './global-setup.mjs';

export default async function globalTeardown() {
  if (!globalThis.__wellclinicPgbouncerStarted) return;
  globalThis.__wellclinicPgbouncerStarted = undefined;
  await stopPgbouncer();
}
