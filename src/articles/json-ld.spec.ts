import { articleJsonLd, articleJsonLdScript, articleUrl, type JsonLdSource } from './json-ld.js';

const SITE = 'https://wellclinic.example';

const ARTICLE: JsonLdSource = {
  slug: 'being-kind',
  title: 'Being Kind to Yourself',
  excerpt: 'A gentle start.',
  coverImageUrl: 'https://images.example.org/tea.jpg',
  coverImageAlt: 'A cup of tea',
  tags: ['self-compassion', 'anxiety'],
  authorName: 'Maya Lindqvist',
  authorCredentials: 'LMFT',
  publishedAt: new Date('2026-11-03T09:00:00Z'),
  updatedAt: new Date('2026-11-04T10:30:00Z'),
  wordCount: 812,
  reviewedBy: null,
  reviewedAt: null,
};

const REVIEWED: JsonLdSource = { ...ARTICLE, reviewedBy: 'Dr. Samuel Okafor, PsyD', reviewedAt: '2026-11-02' };

describe('articleUrl', () => {
  it('is the article’s page on the public website', () => {
    expect(articleUrl(SITE, 'being-kind')).toBe('https://wellclinic.example/articles/being-kind');
  });
});

describe('articleJsonLd', () => {
  it('makes a linked author and reviewer Persons with their practitioner page as url and @id', () => {
    const ld = articleJsonLd({ ...REVIEWED, authorSlug: 'maya-lindqvist', reviewerSlug: 'samuel-okafor' }, SITE);
    expect(ld.author).toEqual({
      '@type': 'Person',
      '@id': 'https://wellclinic.example/practitioners/maya-lindqvist#person',
      name: 'Maya Lindqvist',
      url: 'https://wellclinic.example/practitioners/maya-lindqvist',
      honorificSuffix: 'LMFT',
    });
    expect(ld.reviewedBy).toEqual({
      '@type': 'Person',
      '@id': 'https://wellclinic.example/practitioners/samuel-okafor#person',
      name: 'Dr. Samuel Okafor, PsyD',
      url: 'https://wellclinic.example/practitioners/samuel-okafor',
    });
  });

  it('gives the linked author their photo as image when its URL is absolute, as their own Person does', () => {
    const photo = {
      url: 'https://cdn.wellclinic.example/media/3f9a1c0e5b7d2468ace013579bdf2468/480.jpg',
      alt: 'Maya in the garden room',
      width: 480,
      height: 600,
      srcset: { avif: 'a 320w', webp: 'w 320w', jpeg: 'j 320w' },
      mediaId: '0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21',
    };
    const linked = { ...ARTICLE, authorSlug: 'maya-lindqvist' };
    expect(articleJsonLd({ ...linked, authorPhoto: photo }, SITE).author).toMatchObject({
      '@id': 'https://wellclinic.example/practitioners/maya-lindqvist#person',
      image: { '@type': 'ImageObject', url: photo.url, caption: 'Maya in the garden room' },
    });
    // A root-relative URL (no MEDIA_BASE_URL) means nothing to a search engine; no photo, no image.
    const relative = { ...photo, url: '/media/3f9a1c0e5b7d2468ace013579bdf2468/480.jpg' };
    expect(articleJsonLd({ ...linked, authorPhoto: relative }, SITE).author).not.toHaveProperty('image');
    expect(articleJsonLd({ ...linked, authorPhoto: null }, SITE).author).not.toHaveProperty('image');
  });

  it('names an unlinked author (null slug) without a url', () => {
    expect(articleJsonLd({ ...ARTICLE, authorSlug: null }, SITE).author).toEqual({
      '@type': 'Person',
      name: 'Maya Lindqvist',
      honorificSuffix: 'LMFT',
    });
  });

  it('describes an unreviewed article as a BlogPosting', () => {
    expect(articleJsonLd(ARTICLE, SITE)).toEqual({
      '@context': 'https://schema.org',
      '@type': 'BlogPosting',
      headline: 'Being Kind to Yourself',
      description: 'A gentle start.',
      url: 'https://wellclinic.example/articles/being-kind',
      mainEntityOfPage: 'https://wellclinic.example/articles/being-kind',
      datePublished: '2026-11-03T09:00:00.000Z',
      dateModified: '2026-11-04T10:30:00.000Z',
      wordCount: 812,
      keywords: 'self-compassion, anxiety',
      image: { '@type': 'ImageObject', url: 'https://images.example.org/tea.jpg', caption: 'A cup of tea' },
      author: { '@type': 'Person', name: 'Maya Lindqvist', honorificSuffix: 'LMFT' },
      inLanguage: 'en',
    });
  });

  it('describes a reviewed article as a MedicalWebPage with its review', () => {
    expect(articleJsonLd(REVIEWED, SITE)).toEqual({
      '@context': 'https://schema.org',
      '@type': 'MedicalWebPage',
      headline: 'Being Kind to Yourself',
      description: 'A gentle start.',
      url: 'https://wellclinic.example/articles/being-kind',
      mainEntityOfPage: 'https://wellclinic.example/articles/being-kind',
      datePublished: '2026-11-03T09:00:00.000Z',
      dateModified: '2026-11-04T10:30:00.000Z',
      wordCount: 812,
      keywords: 'self-compassion, anxiety',
      image: { '@type': 'ImageObject', url: 'https://images.example.org/tea.jpg', caption: 'A cup of tea' },
      author: { '@type': 'Person', name: 'Maya Lindqvist', honorificSuffix: 'LMFT' },
      lastReviewed: '2026-11-02',
      reviewedBy: { '@type': 'Person', name: 'Dr. Samuel Okafor, PsyD' },
      inLanguage: 'en',
    });
  });

  it('leaves out every optional member that has no value', () => {
    const bare: JsonLdSource = {
      ...ARTICLE,
      coverImageUrl: null,
      coverImageAlt: null,
      tags: [],
      authorCredentials: null,
      publishedAt: null,
    };
    expect(articleJsonLd(bare, SITE)).toEqual({
      '@context': 'https://schema.org',
      '@type': 'BlogPosting',
      headline: 'Being Kind to Yourself',
      description: 'A gentle start.',
      url: 'https://wellclinic.example/articles/being-kind',
      mainEntityOfPage: 'https://wellclinic.example/articles/being-kind',
      dateModified: '2026-11-04T10:30:00.000Z',
      wordCount: 812,
      author: { '@type': 'Person', name: 'Maya Lindqvist' },
      inLanguage: 'en',
    });
  });

  it.each<[string, Partial<JsonLdSource>]>([
    ['a reviewer without a date', { reviewedBy: 'Dr. Okafor', reviewedAt: null }],
    ['a date without a reviewer', { reviewedBy: null, reviewedAt: '2026-11-02' }],
  ])('is a BlogPosting without review members for %s', (_label, review) => {
    const jsonLd = articleJsonLd({ ...ARTICLE, ...review }, SITE);
    expect(jsonLd['@type']).toBe('BlogPosting');
    expect(jsonLd).toEqual(articleJsonLd(ARTICLE, SITE));
  });

  it('keeps a cover image without a caption', () => {
    expect(articleJsonLd({ ...ARTICLE, coverImageAlt: null }, SITE).image).toEqual({
      '@type': 'ImageObject',
      url: 'https://images.example.org/tea.jpg',
      caption: null,
    });
  });

  it('serializes to JSON without losing members', () => {
    const jsonLd = articleJsonLd(REVIEWED, SITE);
    expect(JSON.parse(JSON.stringify(jsonLd))).toEqual(jsonLd);
  });
});

describe('articleJsonLdScript', () => {
  const hostile: JsonLdSource = {
    ...REVIEWED,
    title: 'Calm</script><script>alert(1)</script>',
    excerpt: 'Fish & chips <!-- or not -->\u2028next',
    authorName: '<img src=x onerror=alert(1)>',
  };

  it('escapes what could end a script element, and parses back to the JSON-LD', () => {
    const script = articleJsonLdScript(hostile, SITE);
    expect(script).not.toMatch(/[<>&\u2028\u2029]/);
    expect(script).toContain('"headline":"Calm\\u003c/script\\u003e\\u003cscript\\u003ealert(1)\\u003c/script\\u003e"');
    expect(script).toContain('"description":"Fish \\u0026 chips \\u003c!-- or not --\\u003e\\u2028next"');
    expect(JSON.parse(script)).toEqual(articleJsonLd(hostile, SITE));
  });

  it('is the plain serialization when nothing needs escaping', () => {
    expect(articleJsonLdScript(REVIEWED, SITE)).toBe(JSON.stringify(articleJsonLd(REVIEWED, SITE)));
  });
});
