import { Feed } from 'feed';
import { articleUrl } from './json-ld.js';

export const FEED_SIZE = 20;

export interface FeedEntry {
  id: string;
  slug: string;
  title: string;
  excerpt: string;
  tags: string[];
  publishedAt: Date;
}

/**
 * The feed library wraps text in CDATA but splits only the first `]]>`: a word joiner inside every one keeps
 * a second from closing the section early (and injecting elements).
 */
const cdataSafe = (text: string): string => text.replaceAll(']]>', ']]\u2060>');

/** RSS 2.0 of the newest articles: titles, excerpts and absolute links to the public website. */
export function articlesRss(entries: FeedEntry[], siteUrl: string, feedUrl: string): string {
  const feed = new Feed({
    title: 'Well Clinic articles',
    description: 'Articles on mental health and well-being from the Well Clinic’s therapists.',
    id: `${siteUrl}/articles`,
    link: `${siteUrl}/articles`,
    language: 'en',
    copyright: `© Well Clinic`,
    // The newest article's date, not now: the same articles must give the same bytes (ETag).
    updated: entries[0]?.publishedAt ?? new Date(0),
    feedLinks: { rss: feedUrl },
    generator: false,
  });
  for (const entry of entries) {
    const link = articleUrl(siteUrl, entry.slug);
    feed.addItem({
      title: cdataSafe(entry.title),
      id: link,
      link,
      guid: `urn:uuid:${entry.id}`,
      description: cdataSafe(entry.excerpt),
      date: entry.publishedAt,
      category: entry.tags.map((name) => ({ name })),
    });
  }
  return feed.rss2();
}
