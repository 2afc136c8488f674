import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { Article } from './article.entity.js';

/** A slug an article had before it was renamed: public requests for it are redirected (301). */
@Entity({ name: 'article_slug_redirects' })
@Index(['articleId'])
export class ArticleSlugRedirect {
  @PrimaryColumn({ type: 'varchar', length: 120 })
  slug!: string;

  @Column({ type: 'uuid' })
  articleId!: string;

  @ManyToOne(() => Article, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'article_id' })
  article?: Article;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;
}
