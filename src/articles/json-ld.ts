import { scriptSafeJson } from '../common/http/script-safe-json.js';
import type { Article } from './article.entity.js';

export type JsonLdSource = Pick<
  Article,
  | 'slug'
  | 'title'
  | 'excerpt'
  | 'coverImageUrl'
  | 'coverImageAlt'
  | 'tags'
  | 'authorName'
  | 'authorCredentials'
  | 'publishedAt'
  | 'updatedAt'
  | 'wordCount'
  | 'reviewedBy'
  | 'reviewedAt'
>;

/** Where the public website shows an article. */
export function articleUrl(siteUrl: string, slug: string): string {
  return `${siteUrl}/articles/${slug}`;
}

/**
 * schema.org metadata for search engines: a `BlogPosting`, or a `MedicalWebPage` (with `lastReviewed` and
 * `reviewedBy`) when a clinician reviewed the content, which is how health content shows its review.
 */
export function articleJsonLd(article: JsonLdSource, siteUrl: string): Record<string, unknown> {
  const url = articleUrl(siteUrl, article.slug);
  const reviewed = article.reviewedBy !== null && article.reviewedAt !== null;
  return {
    '@context': 'https://schema.org',
    '@type': reviewed ? 'MedicalWebPage' : 'BlogPosting',
    headline: article.title,
    description: article.excerpt,
    url,
    mainEntityOfPage: url,
    ...(article.publishedAt ? { datePublished: article.publishedAt.toISOString() } : {}),
    dateModified: article.updatedAt.toISOString(),
    wordCount: article.wordCount,
    ...(article.tags.length ? { keywords: article.tags.join(', ') } : {}),
    ...(article.coverImageUrl
      ? { image: { '@type': 'ImageObject', url: article.coverImageUrl, caption: article.coverImageAlt } }
      : {}),
    author: {
      '@type': 'Person',
      name: article.authorName,
      ...(article.authorCredentials ? { honorificSuffix: article.authorCredentials } : {}),
    },
    ...(reviewed
      ? { lastReviewed: article.reviewedAt, reviewedBy: { '@type': 'Person', name: article.reviewedBy } }
      : {}),
    inLanguage: 'en',
  };
}

/**
 * The JSON-LD as the text of a `<script type="application/ld+json">` element, `<`, `>`, `&`, U+2028 and U+2029
 * escaped: a title such as `</script>…` cannot end the element, and `JSON.parse` gives back `articleJsonLd`.
 */
export function articleJsonLdScript(article: JsonLdSource, siteUrl: string): string {
  return scriptSafeJson(articleJsonLd(article, siteUrl));
}
