/**
 * Polls `condition` every `intervalMs` until it holds: for background work whose timing is real (a dispatch loop,
 * a load generator). Without `timeoutMs` it is bounded only by the test's own timeout.
 */
export async function until(
  condition: () => boolean | Promise<boolean>,
  { intervalMs = 10, timeoutMs = Infinity }: { intervalMs?: number; timeoutMs?: number } = {},
): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!(await condition())) {
    if (performance.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
