import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { TocEntry } from './markdown.js';

export const ARTICLE_STATUSES = ['draft', 'published', 'archived'] as const;
export type ArticleStatus = (typeof ARTICLE_STATUSES)[number];

/**
 * A blog article. Editors write `body` (Markdown) and the other editable fields; `bodyHtml`, `toc`,
 * `bodyText`, `wordCount`, `readingTimeMinutes` and `excerpt` (when no custom one is written) are derived on
 * every write and stored, so reads never render.
 */
@Entity({ name: 'articles' })
// The public list: published articles newest first (also counts them with an index-only scan).
@Index('IDX_articles_published', ['publishedAt', 'id'], { where: "status = 'published'" })
// GIN indexes (tags, search_vector) are written by hand in the migration: TypeORM cannot declare them.
@Index('IDX_articles_tags', { synchronize: false })
@Index('IDX_articles_search', { synchronize: false })
export class Article {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'varchar', length: 120, unique: true })
  slug!: string;

  @Column({ type: 'varchar', length: 200 })
  title!: string;

  /** What readers see: the custom excerpt, or one derived from the body. */
  @Column({ type: 'varchar', length: 500 })
  excerpt!: string;

  /** The excerpt an editor wrote; null means derive it from the body. */
  @Column({ type: 'varchar', length: 500, nullable: true })
  customExcerpt!: string | null;

  @Column({ type: 'text' })
  body!: string;

  @Column({ type: 'text' })
  bodyHtml!: string;

  /** The body as plain text: what search indexes and snippets quote. */
  @Column({ type: 'text' })
  bodyText!: string;

  @Column({ type: 'jsonb' })
  toc!: TocEntry[];

  @Column({ type: 'integer' })
  wordCount!: number;

  @Column({ type: 'integer' })
  readingTimeMinutes!: number;

  @Column({ type: 'text', array: true })
  tags!: string[];

  @Column({ type: 'varchar', length: 2048, nullable: true })
  coverImageUrl!: string | null;

  @Column({ type: 'varchar', length: 250, nullable: true })
  coverImageAlt!: string | null;

  @Column({ type: 'varchar', length: 100 })
  authorName!: string;

  @Column({ type: 'varchar', length: 50, nullable: true })
  authorCredentials!: string | null;

  @Column({ type: 'varchar', length: 150, nullable: true })
  reviewedBy!: string | null;

  @Column({ type: 'date', nullable: true })
  reviewedAt!: string | null;

  @Column({ type: 'varchar', length: 70, nullable: true })
  seoTitle!: string | null;

  @Column({ type: 'varchar', length: 160, nullable: true })
  seoDescription!: string | null;

  @Column({ type: 'enum', enum: ARTICLE_STATUSES, enumName: 'article_status', default: 'draft' })
  status!: ArticleStatus;

  /** Set by publishing; in the future means scheduled. Cleared by unpublishing; kept when archived. */
  @Column({ type: 'timestamptz', nullable: true })
  publishedAt!: Date | null;

  /** Optimistic concurrency: bumped by every change, exposed as the ETag `"v<version>"`. */
  @Column({ type: 'integer', default: 1 })
  version!: number;

  @Column({ type: 'uuid', nullable: true })
  createdBy!: string | null;

  @Column({ type: 'uuid', nullable: true })
  updatedBy!: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt!: Date;

  /** Full-text search document: title (A) > excerpt and tags (B) > body (C), English stemming. */
  @Column({
    type: 'tsvector',
    generatedType: 'STORED',
    asExpression: 'article_search_vector(title, excerpt, tags, body_text)',
    select: false,
    insert: false,
    update: false,
  })
  searchVector?: string;
}
