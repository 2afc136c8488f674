import { Column, Entity, PrimaryColumn } from 'typeorm';
import { ARTICLE_STATUSES, type ArticleStatus } from './article.entity.js';

/** The `tag` of the row that counts every article of a status. */
export const ALL_TAGS = '';

/**
 * How many articles have a status, and how many of them carry each tag: what `meta.total` of the lists and the
 * tag counts are read from instead of counting rows. Written only by the `articles` triggers (migration
 * ArticleReadModel), in the same statement as the article change, so it is as exact as `count(*)` in every
 * snapshot. "Live" is not a status (it also depends on the clock): live counts are the published ones less the
 * scheduled ones, which an index range finds.
 */
@Entity({ name: 'article_counts' })
export class ArticleCount {
  @PrimaryColumn({ type: 'enum', enum: ARTICLE_STATUSES, enumName: 'article_status' })
  status!: ArticleStatus;

  /** A tag, or `ALL_TAGS` for every article of the status. */
  @PrimaryColumn({ type: 'text' })
  tag!: string;

  @Column({ type: 'integer' })
  count!: number;
}
