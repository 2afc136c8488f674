import type { TraceContext } from '../common/tracing/trace-context.js';
import {
  ARTICLE_ARCHIVED,
  ARTICLE_DELETED,
  ARTICLE_PUBLISHED,
  ARTICLE_UNPUBLISHED,
  ARTICLE_UPDATED,
  eventOf,
  type OutboxEvent,
} from '../notifications/index.js';
import type { Article } from './article.entity.js';
import { ARTICLES_CACHE_TAG } from './articles.service.js';

/** When an event happened and the trace of the request that caused it. */
export interface EventTime {
  occurredAt: Date;
  trace?: TraceContext | null;
}

type Announced = Pick<Article, 'id' | 'slug' | 'version' | 'publishedAt'>;

/** What every article event says of it: what a front end revalidates, by tag or by URL. */
function fieldsOf(article: Announced) {
  return {
    articleId: article.id,
    slug: article.slug,
    version: article.version,
    cacheTags: [ARTICLES_CACHE_TAG, `article:${article.id}`],
  };
}

const iso = (date: Date | null): string | null => date?.toISOString() ?? null;

/** The events of an article's life, as the outbox takes them. */
export const articleEvents = {
  published: (article: Announced, at: EventTime): OutboxEvent =>
    eventOf(ARTICLE_PUBLISHED, article.id, { ...fieldsOf(article), publishedAt: iso(article.publishedAt)! }, at),
  updated: (article: Article, previousSlug: string, at: EventTime): OutboxEvent =>
    eventOf(
      ARTICLE_UPDATED,
      article.id,
      {
        ...fieldsOf(article),
        publishedAt: iso(article.publishedAt)!,
        previousSlug: previousSlug === article.slug ? null : previousSlug,
      },
      at,
    ),
  unpublished: (article: Article, at: EventTime): OutboxEvent =>
    eventOf(ARTICLE_UNPUBLISHED, article.id, fieldsOf(article), at),
  archived: (article: Article, at: EventTime): OutboxEvent =>
    eventOf(ARTICLE_ARCHIVED, article.id, { ...fieldsOf(article), publishedAt: iso(article.publishedAt) }, at),
  deleted: (article: Article, at: EventTime): OutboxEvent =>
    eventOf(ARTICLE_DELETED, article.id, { ...fieldsOf(article), status: article.status }, at),
};
