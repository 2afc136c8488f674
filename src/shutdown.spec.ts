import { installShutdownHandlers, type Schedule, type Stoppable } from './shutdown.js';

/** A fake app, process and timer queue: the test fires timers and settles `close()` by hand. */
function harness(
  http: { shutdownDrainMs: number; shutdownTimeoutMs: number },
  flush?: (events: string[]) => Promise<void>,
) {
  const events: string[] = [];
  const timers: { ms: number; holdProcess: boolean; fire: () => void; cancelled: boolean }[] = [];
  let finishClose!: (error?: Error) => void;
  const running: Stoppable = {
    config: { http },
    logger: {
      info: (message: string) => void events.push(`info: ${message}`),
      warn: (...args: unknown[]) => void events.push(`warn: ${String(args.at(-1))}`),
      error: (...args: unknown[]) => void events.push(`error: ${String(args.at(-1))}`),
    },
    drain: () => void events.push('drain'),
    close: () => {
      events.push('close');
      return new Promise<void>((resolve, reject) => (finishClose = (error) => (error ? reject(error) : resolve())));
    },
  };
  const signals = new Map<string, () => void>();
  const schedule: Schedule = (callback, ms, { holdProcess }) => {
    const timer = { ms, holdProcess, cancelled: false, fire: () => !timer.cancelled && callback() };
    timers.push(timer);
    events.push(`timer ${ms} ms`);
    return () => (timer.cancelled = true);
  };
  installShutdownHandlers(
    running,
    {
      exit: (code) => void events.push(`exit ${code}`),
      on: (signal, listener) => signals.set(signal, listener),
      flush: flush && (() => flush(events)),
    },
    schedule,
  );
  return {
    events,
    timers,
    signal: (name: string) => signals.get(name)!(),
    finishClose: async (error?: Error) => {
      finishClose(error);
      // Let close()'s settlement run its callbacks.
      await new Promise((resolve) => setImmediate(resolve));
    },
  };
}

describe('installShutdownHandlers', () => {
  it('drains first: readiness fails at once, the listener closes only when the drain period is over', async () => {
    const h = harness({ shutdownDrainMs: 5000, shutdownTimeoutMs: 10_000 });
    h.signal('SIGTERM');
    expect(h.events).toEqual([
      'info: SIGTERM received: draining for 5000 ms (readiness answers 503, requests are still served)',
      'drain',
      'timer 5000 ms',
    ]);
    // The drain timer keeps the process alive; nothing is closed yet.
    expect(h.timers[0]).toMatchObject({ ms: 5000, holdProcess: true });

    h.timers[0].fire();
    // SHUTDOWN_TIMEOUT_MS counts from the end of the drain, and does not hold the process.
    expect(h.events.slice(3)).toEqual(['info: Drain over: shutting down', 'timer 10000 ms', 'close']);
    expect(h.timers[1]).toMatchObject({ ms: 10_000, holdProcess: false });

    await h.finishClose();
    expect(h.events.slice(6)).toEqual(['info: Shutdown complete', 'exit 0']);
    expect(h.timers[1].cancelled).toBe(true);
  });

  it('closes at once without a drain period (development, tests)', async () => {
    const h = harness({ shutdownDrainMs: 0, shutdownTimeoutMs: 10_000 });
    h.signal('SIGINT');
    expect(h.events).toEqual(['info: SIGINT received: shutting down', 'timer 10000 ms', 'close']);
    await h.finishClose();
    expect(h.events.slice(3)).toEqual(['info: Shutdown complete', 'exit 0']);
  });

  it('ignores a repeated signal, during the drain and after it', () => {
    const h = harness({ shutdownDrainMs: 1500, shutdownTimeoutMs: 10_000 });
    h.signal('SIGTERM');
    h.signal('SIGTERM');
    h.signal('SIGINT');
    h.timers[0].fire();
    h.signal('SIGTERM');
    expect(h.events.filter((e) => e === 'drain' || e === 'close')).toEqual(['drain', 'close']);
    expect(h.events.filter((e) => e.startsWith('warn'))).toEqual([
      'warn: SIGTERM received again: shutdown already in progress',
      'warn: SIGINT received again: shutdown already in progress',
      'warn: SIGTERM received again: shutdown already in progress',
    ]);
  });

  it('exits 1 when in-flight requests outlast SHUTDOWN_TIMEOUT_MS, or when closing fails', async () => {
    const slow = harness({ shutdownDrainMs: 1500, shutdownTimeoutMs: 200 });
    slow.signal('SIGTERM');
    slow.timers[0].fire();
    slow.timers[1].fire();
    expect(slow.events.slice(-2)).toEqual(['error: Shutdown did not finish within 200 ms; exiting', 'exit 1']);

    const failing = harness({ shutdownDrainMs: 0, shutdownTimeoutMs: 10_000 });
    failing.signal('SIGTERM');
    await failing.finishClose(new Error('pool end failed'));
    expect(failing.events.slice(-2)).toEqual(['error: Shutdown failed', 'exit 1']);
  });

  describe('with tracing on (a flush)', () => {
    it('exports the last spans after the app is closed, before the exit', async () => {
      const h = harness({ shutdownDrainMs: 0, shutdownTimeoutMs: 10_000 }, (events) => {
        events.push('flush');
        return Promise.resolve();
      });
      h.signal('SIGTERM');
      await h.finishClose();
      expect(h.events.slice(2)).toEqual(['close', 'flush', 'info: Shutdown complete', 'exit 0']);
      expect(h.timers[0].cancelled).toBe(true);
    });

    it('flushes after a failed close too, and a failed flush only warns', async () => {
      const failing = harness({ shutdownDrainMs: 0, shutdownTimeoutMs: 10_000 }, (events) => {
        events.push('flush');
        return Promise.resolve();
      });
      failing.signal('SIGTERM');
      await failing.finishClose(new Error('pool end failed'));
      expect(failing.events.slice(-3)).toEqual(['flush', 'error: Shutdown failed', 'exit 1']);

      const unreachable = harness({ shutdownDrainMs: 0, shutdownTimeoutMs: 10_000 }, () =>
        Promise.reject(new Error('ECONNREFUSED')),
      );
      unreachable.signal('SIGTERM');
      await unreachable.finishClose();
      expect(unreachable.events.slice(-3)).toEqual([
        'warn: Exporting the last spans failed',
        'info: Shutdown complete',
        'exit 0',
      ]);
    });

    it('is bounded by SHUTDOWN_TIMEOUT_MS: a collector that never answers does not hold the exit', async () => {
      const h = harness({ shutdownDrainMs: 0, shutdownTimeoutMs: 200 }, () => new Promise<void>(() => undefined));
      h.signal('SIGTERM');
      await h.finishClose();
      expect(h.events.at(-1)).toBe('close');
      h.timers[0].fire();
      expect(h.events.slice(-2)).toEqual(['error: Shutdown did not finish within 200 ms; exiting', 'exit 1']);
    });
  });
});
