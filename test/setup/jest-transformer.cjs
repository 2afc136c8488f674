// Jest's TypeScript transform: swc for every file, except (when `swaggerPlugin` is set, in the e2e project) the files
// the @nestjs/swagger CLI plugin compiles under `nest build`. Those are served as TypeScript compiled them with the
// plugin, from the file the e2e global setup keeps current (test/setup/swagger-plugin.mjs explains why).
const { createHash } = require('node:crypto');
const { readFileSync, statSync } = require('node:fs');
const { relative } = require('node:path');
const swcJest = require('@swc/jest');

const sha256 = (text) => createHash('sha256').update(text).digest('hex');

module.exports.createTransformer = ({ swc: swcOptions, swaggerPlugin }) => {
  const swc = swcJest.createTransformer(swcOptions);
  if (!swaggerPlugin) return swc;
  const { output, rootDir, suffixes } = swaggerPlugin;
  const compiledByPlugin = (filename) =>
    filename.endsWith('.ts') && !filename.includes('/node_modules/') && suffixes.some((s) => filename.includes(s));

  let loaded;
  let loadedVersion;
  /** The global setup's output, read again whenever it is rewritten (a worker outlives a run in watch mode). */
  const compiled = () => {
    try {
      const { mtimeMs, size } = statSync(output);
      if (loadedVersion !== `${mtimeMs}:${size}`) {
        loaded = JSON.parse(readFileSync(output, 'utf8'));
        loadedVersion = `${mtimeMs}:${size}`;
      }
    } catch (error) {
      throw new Error(`${output} is missing or unreadable: the e2e global setup writes it (run tests through jest)`, {
        cause: error,
      });
    }
    return loaded;
  };

  return {
    canInstrument: false,
    getCacheKey(src, filename, options) {
      if (!compiledByPlugin(filename)) return swc.getCacheKey(src, filename, options);
      // The plugin's output for one file depends on the types of others: the key covers every source.
      return sha256(`swagger-plugin\0${compiled().key}\0${filename}\0${src}\0${options.supportsStaticESM}`);
    },
    process(src, filename, options) {
      if (!compiledByPlugin(filename)) return swc.process(src, filename, options);
      const entry = compiled().files[relative(rootDir, filename)];
      if (!entry) throw new Error(`${filename} is not in ${output}: is it outside tsconfig.json's files?`);
      if (entry.sourceHash !== sha256(src)) {
        throw new Error(`${filename} changed after the e2e global setup compiled it: run the tests again`);
      }
      if (!options.supportsStaticESM) throw new Error(`${filename}: compiled as an ES module, but required`);
      return { code: entry.code, map: entry.map };
    },
  };
};
