// The @nestjs/swagger CLI plugin for the e2e tests, compiled once per change of the sources.
//
// `nest build` runs the plugin as a TypeScript transformer on the files it matches (controllers, DTOs, entities): it
// adds the OpenAPI metadata the app's document is built from (the committed openapi.json, the response validation of
// every e2e request). Jest compiles with swc, file by file, which cannot run a TypeScript transformer, and the
// plugin's swc route (PluginMetadataGenerator's metadata.ts) gives a different document: it does not merge a comment
// into an explicit @ApiOperation. So the e2e global setup compiles exactly those files with TypeScript and the plugin,
// as `nest build` does, into one JSON file; test/setup/jest-transformer.cjs serves them from it and swc the rest.
//
// The file is keyed by a hash of what the output derives from (the sources `nest build` compiles, any test file the
// plugin would match, the TypeScript and Nest configuration, the installed packages and this script): unchanged
// sources reuse it, any change rebuilds it. Not committed (.gitignore).
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** Read by test/setup/jest-transformer.cjs (which also knows this path). */
export const SWAGGER_PLUGIN_OUTPUT = join(ROOT, 'test/setup/.generated/swagger-plugin-output.json');

/** The plugin's options from nest-cli.json, so the tests compile as `nest build` does. */
function pluginOptions() {
  const cli = JSON.parse(readFileSync(join(ROOT, 'nest-cli.json'), 'utf8'));
  const plugin = cli.compilerOptions?.plugins?.find((p) => p === '@nestjs/swagger' || p?.name === '@nestjs/swagger');
  if (!plugin) throw new Error('nest-cli.json does not configure the @nestjs/swagger plugin');
  return typeof plugin === 'string' ? {} : (plugin.options ?? {});
}

/** The plugin's own rule (dtoFileNameSuffix, controllerFileNameSuffix): a file name containing one of these. */
export const PLUGIN_FILE_SUFFIXES = ['.dto.ts', '.entity.ts', '.controller.ts'];

function parseTsconfig(ts, file) {
  const host = {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (d) => {
      throw new Error(`${file}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
    },
  };
  const parsed = ts.getParsedCommandLineOfConfigFile(join(ROOT, file), {}, host);
  if (parsed.errors.length) {
    throw new Error(`${file}: ${ts.flattenDiagnosticMessageText(parsed.errors[0].messageText, '\n')}`);
  }
  return parsed;
}

const sha256 = (text) => createHash('sha256').update(text).digest('hex');

/**
 * Makes SWAGGER_PLUGIN_OUTPUT current. A few seconds when the sources changed (a TypeScript program for the
 * plugin's type information; nothing is type-checked here: lint, `nest build` and `npm run typecheck` do that),
 * a few milliseconds when they did not.
 */
export async function ensureSwaggerPluginOutput() {
  const { default: ts } = await import('typescript');
  const options = pluginOptions();
  const build = parseTsconfig(ts, 'tsconfig.build.json');
  // tsconfig.json also covers the tests: a test file the plugin would match is compiled with it too.
  const all = parseTsconfig(ts, 'tsconfig.json');
  const pluginFiles = all.fileNames.filter((f) => PLUGIN_FILE_SUFFIXES.some((s) => f.includes(s))).sort();
  const inputs = [...new Set([...build.fileNames, ...pluginFiles])].sort();

  const hash = createHash('sha256').update(JSON.stringify({ options, PLUGIN_FILE_SUFFIXES }));
  const add = (file, text) =>
    hash
      .update(`${relative(ROOT, file)}\0`)
      .update(text)
      .update('\0');
  for (const file of inputs) add(file, await readFile(file));
  for (const file of ['tsconfig.json', 'tsconfig.build.json', 'nest-cli.json', 'package-lock.json']) {
    add(file, await readFile(join(ROOT, file)));
  }
  add('swagger-plugin.mjs', await readFile(fileURLToPath(import.meta.url)));
  for (const pkg of ['typescript', '@nestjs/swagger']) {
    add(pkg, await readFile(join(ROOT, 'node_modules', pkg, 'package.json')));
  }
  const key = hash.digest('hex');
  if (existsSync(SWAGGER_PLUGIN_OUTPUT)) {
    const current = JSON.parse(await readFile(SWAGGER_PLUGIN_OUTPUT, 'utf8'));
    if (current.key === key) return;
  }

  const { before } = await import('@nestjs/swagger/plugin');
  // As `nest build` (tsconfig.build.json) compiles, with tsconfig.json's wider file set.
  const program = ts.createProgram({
    rootNames: pluginFiles,
    options: { ...all.options, incremental: false, sourceMap: true, inlineSources: true },
  });
  const files = {};
  for (const file of pluginFiles) {
    const sourceFile = program.getSourceFile(file);
    let code;
    let map;
    const result = program.emit(
      sourceFile,
      (name, text) => {
        if (name.endsWith('.js')) code = text;
        else if (name.endsWith('.js.map')) map = text;
      },
      undefined,
      false,
      { before: [before(options, program)] },
    );
    if (result.emitSkipped || code === undefined) throw new Error(`TypeScript did not emit ${file}`);
    // The output names its map in a comment; Jest takes the map itself.
    code = code.replace(/\n\/\/# sourceMappingURL=.*$/, '\n');
    files[relative(ROOT, file)] = { sourceHash: sha256(sourceFile.text), code, map: JSON.parse(map) };
  }

  await mkdir(join(SWAGGER_PLUGIN_OUTPUT, '..'), { recursive: true });
  // Written beside its final name, then renamed: a concurrent run never reads half a file.
  const tmp = `${SWAGGER_PLUGIN_OUTPUT}.${process.pid}.tmp`;
  await writeFile(tmp, JSON.stringify({ key, files }));
  await rename(tmp, SWAGGER_PLUGIN_OUTPUT);
}
