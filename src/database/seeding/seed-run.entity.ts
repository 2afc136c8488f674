import { CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/** One row per seeder that has run against this database, so `npm run seed` can be repeated safely. */
@Entity({ name: 'seed_runs' })
export class SeedRun {
  @PrimaryColumn({ type: 'varchar', length: 100 })
  name!: string;

  @CreateDateColumn({ type: 'timestamptz' })
  ranAt!: Date;
}
