import { readFileSync } from 'node:fs';

const read = (path: string): string => readFileSync(new URL(`../${path}`, import.meta.url), 'utf8');

/**
 * The process environment the API runs with (README: Memory) is written in three places that cannot share a constant:
 * the Dockerfile, the npm start scripts, and the benchmarks, which must measure the API as it runs in production.
 */
describe('the production process environment', () => {
  const setting = 'MALLOC_TRIM_THRESHOLD_=131072';

  it('is set by the Dockerfile for the running image', () => {
    const runtimeStage =
      read('Dockerfile')
        .split(/^FROM /m)
        .at(-1) ?? '';
    expect(runtimeStage).toMatch(new RegExp(`^ENV ${setting}$`, 'm'));
  });

  it('prefixes the start scripts', () => {
    const { scripts } = JSON.parse(read('package.json')) as { scripts: Record<string, string> };
    expect(scripts.start).toBe(`${setting} nest start`);
    expect(scripts['start:prod']).toBe(`${setting} node dist/src/main.js`);
  });

  it('is what the benchmarks start every server with', () => {
    const [name, value] = setting.split('=');
    expect(read('bench/lib.mjs')).toContain(`export const PRODUCTION_PROCESS_ENV = { ${name}: '${value}' };`);
    expect(read('bench/lib.mjs')).toContain('env: { ...process.env, ...PRODUCTION_PROCESS_ENV },');
  });
});

/** The API's V8 heap setting (src/config/heap-growth.ts) is applied by the process itself, wherever it starts. */
describe('the heap growth limit', () => {
  it('is applied by the API process first, once .env is read (HEAP_GROWING_PERCENT may be there)', () => {
    expect(read('src/main.ts')).toMatch(
      /async function main\(\): Promise<void> \{\n {2}loadDotEnv\(\);\n {2}limitHeapGrowth\(\);\n/,
    );
  });

  it("is applied by the benchmarks' API server before it starts", () => {
    const server = read('bench/servers/app.mjs');
    expect(server).toMatch(/^limitHeapGrowth\(\);$/m);
    expect(server.indexOf('limitHeapGrowth();')).toBeLessThan(server.indexOf('serveForBench('));
  });
});
