import type { StaffMember } from '../utils/staff.js';
import type { TestApp } from '../utils/test-app.js';
import { bodyOf, creatorOf } from './requests.js';
import { suffix } from './unique.js';

export const ADMIN_ARTICLES = '/api/v1/admin/articles';

export const ARTICLE_AUTHOR = { name: 'Maya Lindqvist', credentials: 'LMFT' };
/** 51 words, one minute to read: a lead paragraph (the derived excerpt), two h2 and an h3 (the contents), a list. */
export const ARTICLE_BODY = [
  'Most of us speak to ourselves more harshly than we would ever speak to a friend.',
  '',
  '## Understanding the inner critic',
  '',
  'The inner critic tries to protect us, but it rarely helps.',
  '',
  '### Where it comes from',
  '',
  'Often from early lessons about worth and effort.',
  '',
  '## Practical steps',
  '',
  '- Notice the voice',
  '- Name it kindly',
].join('\n');

/**
 * A valid `POST /admin/articles` body. The default title is unique, so its derived slug is free; `undefined`
 * overrides drop a field.
 */
export function articleBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    title: `Being Kind to Yourself on Hard Days ${suffix()}`,
    body: ARTICLE_BODY,
    tags: ['self-compassion', 'stress'],
    author: ARTICLE_AUTHOR,
    ...overrides,
  };
}

/** The members of an article the factories' callers use; the rest is there as the API answers it. */
export interface ArticleJson {
  id: string;
  slug: string;
  title: string;
  status: string;
  version: number;
  [field: string]: unknown;
}

/** Creates a draft through the API as an editor or admin. */
export const createArticle = creatorOf<ArticleJson>(ADMIN_ARTICLES, articleBody);

/** Publishes an article through the API (200 or the test fails): now, or at `body.publishedAt`. */
export function publishArticle(
  t: TestApp,
  staff: StaffMember,
  id: string,
  body?: { publishedAt: string },
): Promise<ArticleJson> {
  const req = t.http().post(`${ADMIN_ARTICLES}/${id}/publish`).set(staff.auth);
  return bodyOf(body ? req.send(body) : req, 200);
}
