import { join } from 'node:path';
import root from '../../jest.config.mjs';

// The cluster suite (`npm run test:cluster`): real infrastructure started by the scripts beside this file, so it is
// not part of `npm test`. Same TypeScript compilation as the unit project; one worker, as the suites share the
// infrastructure they start.
const unit = root.projects.find((project) => project.displayName === 'unit');

export default {
  ...unit,
  displayName: 'cluster',
  rootDir: join(import.meta.dirname, '../..'),
  testMatch: ['<rootDir>/test/cluster/**/*.cluster-spec.ts'],
  globalSetup: '<rootDir>/test/cluster/global-setup.mjs',
  globalTeardown: '<rootDir>/test/cluster/global-teardown.mjs',
  maxWorkers: 1,
  testTimeout: 120_000,
};
