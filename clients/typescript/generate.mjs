// `npm run openapi:client`: the TypeScript types of openapi.json, for openapi-fetch. The drift test renders them the
// same way, in memory, and compares with the committed schema.d.ts.
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import openapiTS, { astToString } from 'openapi-typescript';

export const DOCUMENT_PATH = fileURLToPath(new URL('../../openapi.json', import.meta.url));
export const SCHEMA_PATH = fileURLToPath(new URL('./schema.d.ts', import.meta.url));

const HEADER = `/**
 * Generated from openapi.json by \`npm run openapi:client\` (openapi-typescript). Do not edit.
 */

`;

/** The types of an OpenAPI document, as committed in schema.d.ts. */
export async function renderSchemaTypes(documentText) {
  const ast = await openapiTS(JSON.parse(documentText), { alphabetize: true });
  return HEADER + astToString(ast);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await writeFile(SCHEMA_PATH, await renderSchemaTypes(await readFile(DOCUMENT_PATH, 'utf8')));
  console.warn(`Wrote ${SCHEMA_PATH}`);
}
