/**
 * `npm run media:timing`: how long a 12-megapixel JPEG takes from upload to stored variants, and how the API answers
 * meanwhile. Generates the photo (4000×3000: gradients, texture and a little noise, about what a phone writes), boots
 * the built app on an in-memory embedded database, uploads the photo over HTTP a few times while a client asks
 * `GET /health/live` every 10 ms, and prints the times. Nothing is committed but this script.
 */
import sharp from 'sharp';
import { createApp } from '../dist/src/app.factory.js';
import { createRootLogger } from '../dist/src/common/logging/logger.js';
import { processImage } from '../dist/src/media/image-processing.js';

const WIDTH = 4000;
const HEIGHT = 3000;
const RUNS = Number(process.env.RUNS ?? 3);

async function photo() {
  const pixels = Buffer.alloc(WIDTH * HEIGHT * 3);
  let seed = 42;
  const noise = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff - 0.5) * 24;
  for (let y = 0; y < HEIGHT; y++) {
    for (let x = 0; x < WIDTH; x++) {
      const i = (y * WIDTH + x) * 3;
      const wave = Math.sin(x / 37) * Math.cos(y / 53) * 40;
      pixels[i] = Math.max(0, Math.min(255, (x / WIDTH) * 200 + wave + noise()));
      pixels[i + 1] = Math.max(0, Math.min(255, (y / HEIGHT) * 180 + 40 - wave + noise()));
      pixels[i + 2] = Math.max(0, Math.min(255, 120 + Math.sin((x + y) / 90) * 60 + noise()));
    }
  }
  return sharp(pixels, { raw: { width: WIDTH, height: HEIGHT, channels: 3 } })
    .jpeg({ quality: 88 })
    .withExif({ IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '51/1 30/1 3230/100' } })
    .toBuffer();
}

/** A line of the report (stdout; the project's lint keeps console.log to the CLI and the benchmarks). */
const log = (line) => process.stdout.write(`${line}\n`);
const ms = (start) => Number(process.hrtime.bigint() - start) / 1e6;
const summary = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return `median ${at(0.5).toFixed(1)} ms, p99 ${at(0.99).toFixed(1)} ms, max ${sorted.at(-1).toFixed(1)} ms (${sorted.length} requests)`;
};

const input = await photo();
log(
  `photo: ${WIDTH}×${HEIGHT} JPEG, ${(input.length / 1024 / 1024).toFixed(2)} MB; sharp concurrency ${sharp.concurrency()}, libuv pool ${process.env.UV_THREADPOOL_SIZE ?? 4}`,
);

for (let run = 1; run <= RUNS; run++) {
  const start = process.hrtime.bigint();
  const processed = await processImage(input, 'jpeg');
  log(`processImage run ${run}: ${ms(start).toFixed(0)} ms for the original and ${processed.variants.length} variants`);
}

const password = 'timing-password-long-enough-42';
const running = await createApp({
  env: {
    PGLITE_DATA_DIR: 'memory://',
    DB_SEED_ON_START: 'false',
    NOTIFY_DISPATCH_INTERVAL_MS: '0',
    ADMIN_EMAIL: 'timing@wellclinic.example',
    ADMIN_PASSWORD: password,
    RATE_LIMIT_GENERAL_LIMIT: '100000',
  },
  logger: createRootLogger({ level: 'error', pretty: false }),
});
try {
  await running.app.listen({ port: 0, host: '127.0.0.1' });
  const base = await running.app.getUrl();
  const login = await fetch(`${base}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'timing@wellclinic.example', password }),
  });
  const { accessToken } = await login.json();

  const idle = [];
  for (let i = 0; i < 100; i++) {
    const t = process.hrtime.bigint();
    await (await fetch(`${base}/health/live`)).arrayBuffer();
    idle.push(ms(t));
  }
  log(`GET /health/live, idle: ${summary(idle)}`);

  for (let run = 1; run <= RUNS; run++) {
    const during = [];
    let uploading = true;
    const pinger = (async () => {
      while (uploading) {
        const t = process.hrtime.bigint();
        await (await fetch(`${base}/health/live`)).arrayBuffer();
        during.push(ms(t));
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    })();
    const form = new FormData();
    form.set('alt', 'A generated test photo');
    form.set('file', new Blob([input], { type: 'image/jpeg' }), 'photo.jpg');
    const start = process.hrtime.bigint();
    const res = await fetch(`${base}/api/v1/admin/media`, {
      method: 'POST',
      headers: { authorization: `Bearer ${accessToken}` },
      body: form,
    });
    const body = await res.json();
    const took = ms(start);
    uploading = false;
    await pinger;
    log(
      `upload run ${run}: ${res.status} in ${took.toFixed(0)} ms (upload to stored variants, ${body.variants?.length} variants); ` +
        `GET /health/live meanwhile: ${summary(during)}`,
    );
  }
} finally {
  await running.close();
}
