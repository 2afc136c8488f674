import { jest } from '@jest/globals';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { articlesRss, type FeedEntry } from './rss.js';

const SITE = 'https://wellclinic.example';
const FEED_URL = 'https://api.wellclinic.example/api/v1/articles/feed.xml';

const ENTRIES: FeedEntry[] = [
  {
    id: '6f1d3c2a-0b1e-4c5d-8e9f-0a1b2c3d4e5f',
    slug: 'tom-and-jerry',
    title: 'Tom & Jerry <3',
    excerpt: 'x < y & "z" > w',
    tags: ['anxiety', 'b&c'],
    publishedAt: new Date('2026-11-03T09:00:00Z'),
  },
  {
    id: '7a2e4d3b-1c2f-4d6e-9fa0-1b2c3d4e5f60',
    slug: 'sleep',
    title: 'Sleep',
    excerpt: 'Rest well.',
    tags: [],
    publishedAt: new Date('2026-10-01T08:15:30Z'),
  },
  {
    id: '8b3f5e4c-2d30-4e7f-a0b1-2c3d4e5f6071',
    slug: 'ca-va',
    title: 'Ça va? Über “quotes”',
    excerpt: '',
    tags: ['wellbeing'],
    publishedAt: new Date('2025-01-15T23:59:59Z'),
  },
];

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  isArray: (name) => name === 'item' || name === 'category',
});

interface ParsedItem {
  title: string;
  link: string;
  guid: { '#text': string; '@isPermaLink': string };
  pubDate: string;
  description?: string;
  category?: string[];
}

interface ParsedFeed {
  rss: {
    '@version': string;
    channel: {
      title: string;
      link: string;
      description: string;
      lastBuildDate: string;
      language: string;
      'atom:link': { '@href': string; '@rel': string; '@type': string };
      item?: ParsedItem[];
    };
  };
}

function parse(xml: string): ParsedFeed {
  expect(XMLValidator.validate(xml)).toBe(true);
  return parser.parse(xml) as ParsedFeed;
}

describe('articlesRss', () => {
  afterEach(() => {
    jest.useRealTimers();
  });

  it('is valid RSS 2.0 with absolute links to the public website', () => {
    const feed = parse(articlesRss(ENTRIES, SITE, FEED_URL));
    expect(feed.rss['@version']).toBe('2.0');
    const { item, ...channel } = feed.rss.channel;
    expect(channel).toEqual({
      title: 'Well Clinic articles',
      link: 'https://wellclinic.example/articles',
      description: 'Articles on mental health and well-being from the Well Clinic’s therapists.',
      lastBuildDate: 'Tue, 03 Nov 2026 09:00:00 GMT',
      docs: 'https://validator.w3.org/feed/docs/rss2.html',
      language: 'en',
      copyright: '© Well Clinic',
      'atom:link': { '@href': FEED_URL, '@rel': 'self', '@type': 'application/rss+xml' },
    });
    expect(item).toEqual([
      {
        title: 'Tom & Jerry <3',
        link: 'https://wellclinic.example/articles/tom-and-jerry',
        guid: { '#text': 'urn:uuid:6f1d3c2a-0b1e-4c5d-8e9f-0a1b2c3d4e5f', '@isPermaLink': 'false' },
        pubDate: 'Tue, 03 Nov 2026 09:00:00 GMT',
        description: 'x < y & "z" > w',
        category: ['anxiety', 'b&c'],
      },
      {
        title: 'Sleep',
        link: 'https://wellclinic.example/articles/sleep',
        guid: { '#text': 'urn:uuid:7a2e4d3b-1c2f-4d6e-9fa0-1b2c3d4e5f60', '@isPermaLink': 'false' },
        pubDate: 'Thu, 01 Oct 2026 08:15:30 GMT',
        description: 'Rest well.',
      },
      {
        title: 'Ça va? Über “quotes”',
        link: 'https://wellclinic.example/articles/ca-va',
        guid: { '#text': 'urn:uuid:8b3f5e4c-2d30-4e7f-a0b1-2c3d4e5f6071', '@isPermaLink': 'false' },
        pubDate: 'Wed, 15 Jan 2025 23:59:59 GMT',
        category: ['wellbeing'],
      },
    ]);
  });

  it('has one item per entry, every link absolute', () => {
    const items = parse(articlesRss(ENTRIES, SITE, FEED_URL)).rss.channel.item ?? [];
    expect(items).toHaveLength(ENTRIES.length);
    for (const item of items) expect(item.link).toMatch(/^https:\/\/wellclinic\.example\/articles\/[a-z-]+$/);
  });

  it('escapes & and < in titles and excerpts (CDATA) and in categories (entities)', () => {
    const xml = articlesRss(ENTRIES.slice(0, 1), SITE, FEED_URL);
    expect(xml).toContain('<title><![CDATA[Tom & Jerry <3]]></title>');
    expect(xml).toContain('<description><![CDATA[x < y & "z" > w]]></description>');
    expect(xml).toContain('<category>b&amp;c</category>');
    expect(xml).not.toContain('<3</title>');
  });

  it('starts with the XML declaration and an RSS 2.0 root', () => {
    const xml = articlesRss(ENTRIES, SITE, FEED_URL);
    expect(
      xml.startsWith(
        '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom">',
      ),
    ).toBe(true);
  });

  it('gives the same bytes for the same entries, whatever the time', () => {
    jest.useFakeTimers({ now: new Date('2027-01-01T00:00:00Z') });
    const first = articlesRss(ENTRIES, SITE, FEED_URL);
    jest.setSystemTime(new Date('2030-06-15T12:34:56Z'));
    const second = articlesRss(structuredClone(ENTRIES), SITE, FEED_URL);
    expect(second).toBe(first);
    expect(first).not.toContain('2027');
    expect(first).not.toContain('2030');
  });

  it('dates the feed by its first (newest) entry, not now', () => {
    jest.useFakeTimers({ now: new Date('2027-01-01T00:00:00Z') });
    const feed = parse(articlesRss(ENTRIES.slice(1), SITE, FEED_URL));
    expect(feed.rss.channel.lastBuildDate).toBe('Thu, 01 Oct 2026 08:15:30 GMT');
  });

  it('is a valid, empty and still deterministic feed without entries', () => {
    jest.useFakeTimers({ now: new Date('2027-01-01T00:00:00Z') });
    const xml = articlesRss([], SITE, FEED_URL);
    jest.setSystemTime(new Date('2030-06-15T12:34:56Z'));
    expect(articlesRss([], SITE, FEED_URL)).toBe(xml);
    const feed = parse(xml);
    expect(feed.rss.channel.item).toBeUndefined();
    expect(feed.rss.channel.lastBuildDate).toBe('Thu, 01 Jan 1970 00:00:00 GMT');
  });

  it('stays valid XML with markup-like text in every field', () => {
    const entry: FeedEntry = {
      id: '9c406f5d-3e41-4f80-b1c2-3d4e5f607182',
      slug: 'markup',
      title: '<script>alert("x")</script> & <b>bold</b>',
      excerpt: '<!-- comment --> &amp; \' " <![CDATA[ nested',
      tags: ['<tag>', '"quoted"', "it's"],
      publishedAt: new Date('2026-11-03T09:00:00Z'),
    };
    const [item] = parse(articlesRss([entry], SITE, FEED_URL)).rss.channel.item ?? [];
    expect(item).toEqual({
      title: entry.title,
      link: 'https://wellclinic.example/articles/markup',
      guid: { '#text': 'urn:uuid:9c406f5d-3e41-4f80-b1c2-3d4e5f607182', '@isPermaLink': 'false' },
      pubDate: 'Tue, 03 Nov 2026 09:00:00 GMT',
      description: entry.excerpt,
      category: ['<tag>', '"quoted"', "it's"],
    });
  });
});
