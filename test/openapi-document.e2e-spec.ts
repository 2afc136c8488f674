import { readFile } from 'node:fs/promises';
import { DOCUMENT_PATH, renderSchemaTypes, SCHEMA_PATH } from '../clients/typescript/generate.mjs';
import { serializeOpenApiDocument } from '../src/common/openapi/serialize.js';
import { useTestApp } from './utils/test-app.js';

/** Fails with the first differing line and how to fix it, not a 10 000-line diff. */
function expectSameFile(actual: string, committed: string, file: string, fix: string): void {
  if (actual === committed) return;
  const a = actual.split('\n');
  const c = committed.split('\n');
  const line = a.findIndex((text, i) => text !== c[i]);
  const at = line === -1 ? c.length : line;
  throw new Error(
    `${file} is out of date: run ${fix}.\n` +
      `First difference at line ${at + 1}:\n  committed: ${c[at] ?? '<end of file>'}\n  live:      ${a[at] ?? '<end of file>'}`,
  );
}

describe('committed OpenAPI document and client', () => {
  const app = useTestApp();

  it('openapi.json is exactly what the app serves at /docs-json', async () => {
    const res = await app().http().get('/docs-json');
    expect(res.status).toBe(200);
    expectSameFile(
      serializeOpenApiDocument(res.body as object),
      await readFile(DOCUMENT_PATH, 'utf8'),
      'openapi.json',
      '`npm run openapi:export` and commit openapi.json',
    );
  });

  it('clients/typescript/schema.d.ts is generated from the committed openapi.json', async () => {
    expectSameFile(
      await renderSchemaTypes(await readFile(DOCUMENT_PATH, 'utf8')),
      await readFile(SCHEMA_PATH, 'utf8'),
      'clients/typescript/schema.d.ts',
      '`npm run openapi:client` and commit clients/typescript/schema.d.ts',
    );
  });

  it('names every operation once in camelCase, with a summary, a description, a tag and a security requirement', async () => {
    const doc = JSON.parse(await readFile(DOCUMENT_PATH, 'utf8'));
    const ids: string[] = [];
    for (const item of Object.values<Record<string, Record<string, unknown>>>(doc.paths)) {
      for (const op of Object.values(item)) {
        ids.push(op.operationId as string);
        expect(op).toMatchObject({
          operationId: expect.stringMatching(/^[a-z][a-zA-Z0-9]*$/),
          summary: expect.any(String),
          description: expect.stringContaining('**Access:**'),
          tags: [expect.any(String)],
          security: expect.any(Array),
        });
      }
    }
    expect(new Set(ids).size).toBe(ids.length);
  });
});
