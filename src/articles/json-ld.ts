import { scriptSafeJson } from '../common/http/script-safe-json.js';
import { photoJsonLd, type PhotoResponse } from '../locations/index.js';
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
> & {
  /** Slugs of the linked practitioners as the public sees them (null or absent: a plain name). */
  authorSlug?: string | null;
  reviewerSlug?: string | null;
  /** The linked author's photo as the public sees it (null or absent: none). */
  authorPhoto?: PhotoResponse | null;
};

/** Where the public website shows an article. */
export function articleUrl(siteUrl: string, slug: string): string {
  return `${siteUrl}/articles/${slug}`;
}

/**
 * Where the public website shows a practitioner, and the `@id` of their `Person` (as the practitioners' own JSON-LD
 * writes it), so that search engines join the article's author to the practitioner's page.
 */
export function practitionerPageUrl(siteUrl: string, slug: string): string {
  return `${siteUrl}/practitioners/${slug}`;
}

function person(siteUrl: string, name: string, slug: string | null | undefined): Record<string, unknown> {
  if (!slug) return { '@type': 'Person', name };
  const url = practitionerPageUrl(siteUrl, slug);
  return { '@type': 'Person', '@id': `${url}#person`, name, url };
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
      ...person(siteUrl, article.authorName, article.authorSlug),
      ...(article.authorCredentials ? { honorificSuffix: article.authorCredentials } : {}),
      // As the practitioner's own `Person` names it: only an absolute URL (MEDIA_BASE_URL set).
      ...photoJsonLd(article.authorPhoto ?? null),
    },
    ...(reviewed
      ? {
          lastReviewed: article.reviewedAt,
          reviewedBy: person(siteUrl, article.reviewedBy ?? '', article.reviewerSlug),
        }
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
