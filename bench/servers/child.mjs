// The IPC protocol between the benchmarks and the servers they fork, one server per child process so that the
// load generator's CPU is not counted against the server's event loop.
//
//   parent → child  { type: 'start', options }   once, right after the fork
//   child → parent  { type: 'ready', port }       listening on 127.0.0.1:port
//                   { type: 'failed', message }   could not start (the child then exits 1)
//   parent → child  { type: 'cpu' }                → { type: 'cpu', usage: process.cpuUsage() }
//                   { type: 'memory' }             → { type: 'memory', rss, maxRss } (bytes: now, and the peak)
//   parent → child  { type: 'stop' }, SIGTERM, or the IPC channel closing: close and exit 0

/** Runs `start(options)` (which must resolve to `{ port, close }`) under the parent's control. */
export function serveForBench(start) {
  let server;
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    try {
      await server?.close();
    } catch (error) {
      console.error(error);
    }
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop());
  process.on('SIGINT', () => void stop());
  process.on('disconnect', () => void stop());
  process.on('message', (message) => {
    if (message?.type === 'stop') void stop();
    if (message?.type === 'cpu') process.send({ type: 'cpu', usage: process.cpuUsage() });
    if (message?.type === 'memory') {
      // resourceUsage().maxRSS is in kilobytes.
      process.send({ type: 'memory', rss: process.memoryUsage.rss(), maxRss: process.resourceUsage().maxRSS * 1024 });
    }
    if (message?.type !== 'start' || server) return;
    start(message.options ?? {}).then(
      (started) => {
        server = started;
        process.send({ type: 'ready', port: started.port });
      },
      (error) => {
        process.send({ type: 'failed', message: error?.stack ?? String(error) }, () => process.exit(1));
      },
    );
  });
}
