import { Check, Column, Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import { StaffEditedEntity } from '../common/persistence/versioned.entity.js';
import { Practitioner } from '../practitioners/index.js';
import type { TocEntry } from './markdown.js';

export const ARTICLE_STATUSES = ['draft', 'published', 'archived'] as const;
export type ArticleStatus = (typeof ARTICLE_STATUSES)[number];

/**
 * A blog article. Editors write `body` (Markdown) and the other editable fields; `bodyHtml`, `toc`,
 * `bodyText`, `wordCount`, `readingTimeMinutes` and `excerpt` (when no custom one is written) are derived on
 * every write and stored, so reads never render. What lists, tag lists and searches read besides is kept by triggers
 * in `article_counts`, `article_tags` and `article_search` (migration ArticleReadModel).
 */
@Entity({ name: 'articles' })
// Live counts are the published ones less the scheduled ones: a published article without a date would be neither.
@Check('CHK_articles_published_dated', "status <> 'published' OR published_at IS NOT NULL")
// The public list: published articles newest first (and the scheduled ones, counted with an index-only scan).
@Index('IDX_articles_published', ['publishedAt', 'id'], { where: "status = 'published'" })
// The go-live sweep: published articles whose `article.published` is still to be emitted (the scheduled ones).
@Index('IDX_articles_go_live_due', ['publishedAt'], { where: "status = 'published' AND went_live_at IS NULL" })
// Which articles show a media item (deleting it is refused while any does).
@Index('IDX_articles_cover_media', ['coverMediaId'], { where: 'cover_media_id IS NOT NULL' })
// A practitioner's articles (GET /practitioners/{slug}/articles): their published ones newest first.
@Index('IDX_articles_author_published', ['authorPractitionerId', 'publishedAt', 'id'], {
  where: "status = 'published' AND author_practitioner_id IS NOT NULL",
})
@Index('IDX_articles_reviewer', ['reviewedByPractitionerId'], { where: 'reviewed_by_practitioner_id IS NOT NULL' })
// A GIN index, written by hand in the migration: TypeORM cannot declare it.
@Index('IDX_articles_tags', { synchronize: false })
export class Article extends StaffEditedEntity {
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

  /**
   * A media library item as the cover (instead of `coverImageUrl`); `coverImageAlt`, when set, overrides its alt text.
   * Deleting the item is refused while an article shows it (ArticleMediaUsage).
   */
  @Column({ type: 'uuid', nullable: true })
  coverMediaId!: string | null;

  @Column({ type: 'varchar', length: 100 })
  authorName!: string;

  @Column({ type: 'varchar', length: 50, nullable: true })
  authorCredentials!: string | null;

  /**
   * The practitioner who wrote it (null: none, or deleted). `authorName` and `authorCredentials` stay what is shown:
   * the byline as written, also when no practitioner is linked.
   */
  @Column({ type: 'uuid', nullable: true })
  authorPractitionerId!: string | null;

  @ManyToOne(() => Practitioner, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'author_practitioner_id', foreignKeyConstraintName: 'FK_articles_author_practitioner' })
  authorPractitioner?: Practitioner;

  @Column({ type: 'varchar', length: 150, nullable: true })
  reviewedBy!: string | null;

  /** The practitioner who reviewed it (null: none, or deleted); `reviewedBy` stays the text shown. */
  @Column({ type: 'uuid', nullable: true })
  reviewedByPractitionerId!: string | null;

  @ManyToOne(() => Practitioner, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'reviewed_by_practitioner_id', foreignKeyConstraintName: 'FK_articles_reviewed_by_practitioner' })
  reviewedByPractitioner?: Practitioner;

  @Column({ type: 'date', nullable: true })
  reviewedAt!: string | null;

  @Column({ type: 'varchar', length: 70, nullable: true })
  seoTitle!: string | null;

  @Column({ type: 'varchar', length: 160, nullable: true })
  seoDescription!: string | null;

  @Column({ type: 'enum', enum: ARTICLE_STATUSES, enumName: 'article_status', default: 'draft' })
  status!: ArticleStatus;

  /**
   * Set by publishing; in the future means scheduled. Cleared by unpublishing; kept when archived, and kept when an
   * archived article is published again (its first publication, as `datePublished` says), see `republishedAt`.
   */
  @Column({ type: 'timestamptz', nullable: true })
  publishedAt!: Date | null;

  /**
   * When an archived article was last published again (its `publishedAt` kept); null if it never was since its first
   * publication. Cleared by unpublishing.
   */
  @Column({ type: 'timestamptz', nullable: true })
  republishedAt!: Date | null;

  /**
   * When `article.published` was emitted for the current publication: at publishing when `publishedAt` had come, else
   * by the go-live sweep once it comes. Null while a draft, archived or scheduled. Never shown to anyone.
   */
  @Column({ type: 'timestamptz', nullable: true })
  wentLiveAt!: Date | null;
}
