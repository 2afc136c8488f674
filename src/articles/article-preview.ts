import type { RevisionAction } from './admin-articles.service.js';
import type { Article } from './article.entity.js';

/** The `aud` of preview tokens: an access token has none, so neither passes for the other. */
export const ARTICLE_PREVIEW_AUDIENCE = 'article-preview';

/** The revisions that record a change of status (creation included): each one revokes earlier preview tokens. */
export const STATUS_CHANGES = [
  'created',
  'published',
  'unpublished',
  'archived',
] as const satisfies readonly RevisionAction[];

/** Where an article stands for readers; `scheduled` becomes `live` when its `publishedAt` arrives. */
export type PreviewStage = 'draft' | 'scheduled' | 'live' | 'archived';

export function stageOf(article: Pick<Article, 'status' | 'publishedAt'>, now: Date): PreviewStage {
  if (article.status !== 'published') return article.status;
  return article.publishedAt !== null && article.publishedAt > now ? 'scheduled' : 'live';
}

/**
 * What a preview token is bound to, signed into its claims: the article, its stage, and the version of its latest
 * status change. Versions only grow, so a token made for a draft stays revoked when the draft is published and then
 * unpublished again: no table of tokens is needed to revoke them.
 */
export interface PreviewBinding {
  sub: string;
  stage: PreviewStage;
  statusVersion: number;
}

export function sameBinding(token: PreviewBinding, current: PreviewBinding): boolean {
  return token.sub === current.sub && token.stage === current.stage && token.statusVersion === current.statusVersion;
}
