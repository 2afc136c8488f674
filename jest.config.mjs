import { PLUGIN_FILE_SUFFIXES, SWAGGER_PLUGIN_OUTPUT } from './test/setup/swagger-plugin.mjs';

// Nest 12 ships ES modules, so Jest runs in its native ESM mode (`--experimental-vm-modules`, set by
// `npm test`). TypeScript is compiled by swc, file by file and without type-checking (lint, `nest build` and
// `npm run typecheck` do that), as tsc compiles it for `nest build`: legacy decorators with their design-type
// metadata (Nest's injection and validation read it), class names kept, class fields with define semantics (target
// es2023). swc emits ES modules where a file is imported and CommonJS where one is required.
const swcOptions = {
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: true },
    target: 'es2023',
    keepClassNames: true,
  },
  sourceMaps: 'inline',
};
const transformer = '<rootDir>/test/setup/jest-transformer.cjs';
const typescript = (swaggerPlugin) => [transformer, { swc: swcOptions, swaggerPlugin }];
const swcJs = ['@swc/jest', { jsc: { parser: { syntax: 'ecmascript' }, target: 'es2023' }, sourceMaps: 'inline' }];

const esmRequiredByCjs = ['htmlparser2', 'domhandler', 'domutils', 'dom-serializer', 'domelementtype', 'entities'];

const common = {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: {
    '^(\\.{1,2}/.*)\\.js$': '$1',
    // Its ES build imports JSON without an import attribute, which Jest warns about on every load; the CommonJS
    // build is the same code.
    '^libphonenumber-js$': '<rootDir>/node_modules/libphonenumber-js/index.cjs',
  },
  transform: {
    '^.+\\.ts$': typescript(),
    // sanitize-html (CommonJS) requires htmlparser2 12 and its ES-module-only dependencies; Node runs that
    // through require(esm), Jest only from Node 24.9, so below that they are compiled to CommonJS where required
    // (and stay ES modules where they are imported, as markdown-it imports entities).
    [`/node_modules/(${esmRequiredByCjs.join('|')})/.+\\.js$`]: swcJs,
  },
  transformIgnorePatterns: [`/node_modules/(?!(${esmRequiredByCjs.join('|')})/)`],
};

export default {
  // Two workers on PostgreSQL (one database) and on the embedded database (one PGlite per worker: see the global
  // setup).
  maxWorkers: 2,
  // The longest files first, by Jest's recorded durations or, on a fresh clone, by ours (test/setup/test-sequencer.mjs).
  testSequencer: '<rootDir>/test/setup/test-sequencer.mjs',
  // Every test file loads the whole app into its own module registry, and Jest's ES module support never frees them:
  // a worker's heap grows by tens of megabytes per file, and every garbage collection marks all of it. A worker past
  // this much after a file is replaced by a new one.
  workerIdleMemoryLimit: '700MB',
  // e2e suites boot whole apps, some several in one test (a restart, a key rotation), each migrating a fresh
  // database: on the embedded database and a busy machine that takes tens of seconds. Unit tests take milliseconds.
  testTimeout: 120_000,
  projects: [
    {
      ...common,
      displayName: 'unit',
      rootDir: '.',
      testMatch: [
        '<rootDir>/src/**/*.spec.ts',
        '<rootDir>/test/**/*.spec.ts',
        '<rootDir>/test/groups/unit/*.group-spec.ts',
      ],
    },
    {
      ...common,
      displayName: 'e2e',
      rootDir: '.',
      // e2e: the whole HTTP stack; medium: services and repositories on a real database, without HTTP.
      // Groups: several of those in one file, which a full run runs instead of them (test/groups/README.md).
      testMatch: [
        '<rootDir>/test/**/*.e2e-spec.ts',
        '<rootDir>/test/medium/**/*.medium-spec.ts',
        '<rootDir>/test/groups/*.group-spec.ts',
      ],
      // The e2e tests check every response against the app's OpenAPI document, which the @nestjs/swagger plugin
      // completes at `nest build`: the files it compiles come compiled with it (test/setup/swagger-plugin.mjs).
      transform: {
        ...common.transform,
        '^.+\\.ts$': typescript({
          output: SWAGGER_PLUGIN_OUTPUT,
          rootDir: import.meta.dirname,
          suffixes: PLUGIN_FILE_SUFFIXES,
        }),
      },
      // Compiles those files (when the sources changed) and creates the run's database.
      globalSetup: '<rootDir>/test/setup/global-setup.mjs',
      globalTeardown: '<rootDir>/test/setup/global-teardown.mjs',
      // Drops the scratch databases an earlier file left behind (a test failed before dropping its own).
      setupFilesAfterEnv: ['<rootDir>/test/setup/before-each-file.ts'],
    },
  ],
};
