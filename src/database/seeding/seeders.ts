import type { Seeder } from './seeder.js';

/**
 * Demo content, in the order it is loaded. Feature modules append their seeders here; the foundation has no
 * content of its own yet.
 */
export const SEEDERS: readonly Seeder[] = [];
