import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { Article } from './article.entity.js';

/**
 * One tag of one published article, with its publication date: the index a tag list walks newest first (or
 * oldest first), so that `?tag=` never sorts every article with the tag. Written only by the `articles` triggers
 * (migration ArticleReadModel), in the same statement as the article change; the app only reads it.
 */
@Entity({ name: 'article_tags' })
@Index('IDX_article_tags_walk', ['tag', 'publishedAt', 'articleId'])
export class ArticleTag {
  @PrimaryColumn({ type: 'uuid' })
  articleId!: string;

  @ManyToOne(() => Article, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'article_id' })
  article?: Article;

  @PrimaryColumn({ type: 'text' })
  tag!: string;

  /** The article's `publishedAt`, which may be in the future (scheduled). */
  @Column({ type: 'timestamptz' })
  publishedAt!: Date;
}
