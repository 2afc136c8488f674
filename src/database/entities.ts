import { SeedRun } from './seeding/seed-run.entity.js';

/** Every entity, registered explicitly so the app, the TypeORM CLI and the tests see the same schema. */
export const ENTITIES = [SeedRun];
