// Nest 12 ships ES modules, so Jest runs in its native ESM mode (`--experimental-vm-modules`, set by
// `npm test`) and ts-jest emits ESM.
const tsJest = [
  'ts-jest',
  {
    useESM: true,
    tsconfig: { module: 'esnext', moduleResolution: 'bundler', isolatedModules: false },
    astTransformers: { before: ['<rootDir>/test/swagger-plugin.transformer.cjs'] },
  },
];

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
    '^.+\\.ts$': tsJest,
    // sanitize-html (CommonJS) requires htmlparser2 12 and its ES-module-only dependencies; Node runs that
    // through require(esm), Jest only from Node 24.9, so below that they are compiled to CommonJS where required
    // (ts-jest emits ES modules where they are imported, as markdown-it imports entities).
    [`/node_modules/(${esmRequiredByCjs.join('|')})/.+\\.js$`]: [
      'ts-jest',
      { useESM: true, tsconfig: { allowJs: true, moduleResolution: 'bundler' } },
    ],
  },
  transformIgnorePatterns: [`/node_modules/(?!(${esmRequiredByCjs.join('|')})/)`],
};

/** PGlite is one Postgres session: with the embedded database the e2e suites must share it one at a time. */
const realPostgres = Boolean(process.env.TEST_DATABASE_URL || process.env.DATABASE_URL);

export default {
  maxWorkers: realPostgres ? 2 : 1,
  // e2e suites boot whole apps, some several in one test (a restart, a key rotation), each migrating a fresh
  // database: on the embedded database and a busy machine that takes tens of seconds. Unit tests take milliseconds.
  testTimeout: 120_000,
  projects: [
    {
      ...common,
      displayName: 'unit',
      rootDir: '.',
      testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/test/**/*.spec.ts'],
    },
    {
      ...common,
      displayName: 'e2e',
      rootDir: '.',
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
      globalSetup: '<rootDir>/test/setup/global-setup.mjs',
      globalTeardown: '<rootDir>/test/setup/global-teardown.mjs',
    },
  ],
};
