// Runs in every e2e test file's module registry (Jest's setupFilesAfterEnv), before any of the file's tests.
import { dropEarlierScratchDatabases } from './test-database.js';

beforeAll(dropEarlierScratchDatabases);
