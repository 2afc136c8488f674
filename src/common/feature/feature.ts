import { Module, type ModuleMetadata, type Type } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import type { AppConfig } from '../../config/app-config.js';
import type { ProblemKind } from '../errors/problem-codes.js';
import type { Purge } from './purge.js';
import type { Seeder } from './seeder.js';

/** A tag of the OpenAPI document: Swagger UI lists them in the order of the features in AppModule. */
export interface OpenApiTag {
  name: string;
  description: string;
}

/**
 * Work a feature needs done on every database before the app serves from it, after the migrations and before the
 * demo content (at startup and by `npm run seed`): the configured first admin. Returns a line for the log, if any.
 */
export type DatabaseSetup = (dataSource: DataSource, config: AppConfig) => Promise<string | undefined>;

/** What a feature module gives the platform besides its controllers and providers. */
export interface FeatureManifest {
  /** Its OpenAPI tag (the one its controllers use in `@ApiTags`). */
  tag?: OpenApiTag;
  /** Its TypeORM entities: the app, the TypeORM CLI and the tests see the same schema. */
  entities?: readonly Type[];
  /** Its demo content, loaded in this order after the seeders of the features listed before it. */
  seeders?: readonly Seeder[];
  /** Its own problem kinds (made with `defineProblems`, which the feature's files import before using them). */
  problems?: Readonly<Record<string, ProblemKind>>;
  /** Its part of the daily retention purge. */
  purges?: readonly Purge[];
  databaseSetup?: readonly DatabaseSetup[];
}

const MANIFEST = Symbol('wellclinic:feature');

/**
 * `@Module` for a feature: the module metadata plus what the platform collects from it (see FeatureManifest).
 * Adding a feature is writing its module with this decorator and listing it in AppModule's FEATURES.
 */
export function Feature(definition: ModuleMetadata & FeatureManifest): ClassDecorator {
  const { tag, entities, seeders, problems, purges, databaseSetup, ...metadata } = definition;
  return (target) => {
    Reflect.defineMetadata(MANIFEST, { tag, entities, seeders, problems, purges, databaseSetup }, target);
    Module(metadata)(target);
  };
}

export function featureManifest(module: Type): FeatureManifest {
  const manifest = Reflect.getMetadata(MANIFEST, module) as FeatureManifest | undefined;
  if (!manifest) throw new Error(`${module.name} is not a @Feature module`);
  return manifest;
}

/** Everything the features give the platform, collected once from the ordered feature list. */
export class FeatureRegistry {
  readonly tags: OpenApiTag[];
  readonly entities: Type[];
  readonly seeders: Seeder[];
  readonly purges: Purge[];
  readonly databaseSetup: DatabaseSetup[];

  constructor(features: readonly Type[], platformEntities: readonly Type[] = []) {
    const manifests = features.map(featureManifest);
    const all = <T>(pick: (m: FeatureManifest) => readonly T[] | undefined): T[] =>
      manifests.flatMap((m) => pick(m) ?? []);
    this.tags = manifests.flatMap((m) => (m.tag ? [m.tag] : []));
    this.entities = [...platformEntities, ...all((m) => m.entities)];
    this.seeders = all((m) => m.seeders);
    this.purges = all((m) => m.purges);
    this.databaseSetup = all((m) => m.databaseSetup);
    for (const [kind, names] of [
      ['seeder', this.seeders.map((s) => s.name)],
      ['purge', this.purges.map((p) => p.name)],
      ['tag', this.tags.map((t) => t.name)],
    ] as const) {
      const twice = names.filter((name, i) => names.indexOf(name) !== i);
      if (twice.length) throw new Error(`Two features register the ${kind} ${twice.join(', ')}`);
    }
  }
}
