// class-transformer keeps `@Type()` metadata in a singleton it does not export from its index; its package has no
// exports map, so the CommonJS module (the instance its decorators write to) is importable by path.
declare module 'class-transformer/cjs/storage.js' {
  import type { MetadataStorage } from 'class-transformer/types/MetadataStorage.js';

  export const defaultMetadataStorage: MetadataStorage;
}
