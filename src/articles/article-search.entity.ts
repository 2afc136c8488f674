import { Column, Entity, Index, JoinColumn, OneToOne, PrimaryColumn } from 'typeorm';
import { Article, ARTICLE_STATUSES, type ArticleStatus } from './article.entity.js';

/**
 * What a search needs of each article, and nothing else: a row of about 200 bytes, so that finding the matches
 * of a common word visits a few thousand small pages rather than the wide article rows. Its `searchVector` is
 * only ever tested by the GIN index (its statistics are off, so the planner never prefers testing each row,
 * which would read a 4 kB vector per row). Written only by the `articles` triggers (migration ArticleReadModel),
 * in the same statement as the article change; the app only reads it.
 */
@Entity({ name: 'article_search' })
// Written by hand in the migration: TypeORM cannot declare a GIN index.
@Index('IDX_article_search_vector', { synchronize: false })
export class ArticleSearch {
  @PrimaryColumn({ type: 'uuid' })
  articleId!: string;

  @OneToOne(() => Article, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'article_id' })
  article?: Article;

  @Column({ type: 'enum', enum: ARTICLE_STATUSES, enumName: 'article_status' })
  status!: ArticleStatus;

  @Column({ type: 'timestamptz', nullable: true })
  publishedAt!: Date | null;

  @Column({ type: 'text', array: true })
  tags!: string[];

  /** The title alone: a match here ranks above any match elsewhere. */
  @Column({ type: 'tsvector' })
  titleVector!: string;

  /** Title (A) > excerpt and tags (B) > body (C), English stemming: what `q` matches and ranks. */
  @Column({ type: 'tsvector' })
  searchVector!: string;
}
