import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import type { ActorType } from '../common/audit/audit-log.js';
import { Article } from './article.entity.js';

/** The editable fields of an article as they stood after one change. */
export interface ArticleSnapshot {
  slug: string;
  title: string;
  customExcerpt: string | null;
  body: string;
  tags: string[];
  coverImageUrl: string | null;
  coverImageAlt: string | null;
  /** A media library item as the cover. Absent (read it as null) in revisions saved before media covers existed. */
  coverMediaId: string | null;
  authorName: string;
  authorCredentials: string | null;
  /** Absent (read it as null) in revisions saved before articles linked to practitioners. */
  authorPractitionerId: string | null;
  reviewedBy: string | null;
  /** Absent (read it as null) in revisions saved before articles linked to practitioners. */
  reviewedByPractitionerId: string | null;
  reviewedAt: string | null;
  seoTitle: string | null;
  seoDescription: string | null;
}

/** One saved state of an article: who changed it, when, and what the editable fields became. */
@Entity({ name: 'article_revisions' })
@Index(['articleId', 'version'], { unique: true })
export class ArticleRevision {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'uuid' })
  articleId!: string;

  @ManyToOne(() => Article, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'article_id' })
  article?: Article;

  /** The article's version this revision produced. */
  @Column({ type: 'integer' })
  version!: number;

  @Column({ type: 'varchar', length: 20 })
  action!: string;

  @Column({ type: 'jsonb' })
  snapshot!: ArticleSnapshot;

  @Column({ type: 'varchar', length: 20 })
  actorType!: ActorType;

  @Column({ type: 'uuid', nullable: true })
  actorId!: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;
}
