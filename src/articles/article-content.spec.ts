import fc from 'fast-check';
import {
  applyEdits,
  changedFields,
  deriveFields,
  firstFreeSlug,
  HIGHLIGHT_START,
  HIGHLIGHT_STOP,
  highlightHtml,
  seoOf,
  slugFromTitle,
  snapshotOf,
} from './article-content.js';
import type { ArticleSnapshot } from './article-revision.entity.js';
import type { Article } from './article.entity.js';
import type { CreateArticleRequest, UpdateArticleRequest } from './dto/article.requests.js';

const REL = 'rel="noopener noreferrer nofollow"';

/** A snapshot with every field set, so that keeping and clearing both show. */
const CURRENT: ArticleSnapshot = {
  slug: 'being-kind',
  title: 'Being Kind to Yourself',
  customExcerpt: 'A gentle start.',
  body: 'Most of us are harsh with ourselves.\n\n## Start small\n\nPause.',
  tags: ['self-compassion', 'anxiety'],
  coverImageUrl: 'https://images.example.org/tea.jpg',
  coverImageAlt: 'A cup of tea',
  coverMediaId: null,
  authorName: 'Maya Lindqvist',
  authorCredentials: 'LMFT',
  authorPractitionerId: '5b0e7f3c-1a2d-4e6f-8a9b-0c1d2e3f4a5b',
  reviewedBy: 'Dr. Samuel Okafor, PsyD',
  reviewedByPractitionerId: '6c1f8a4d-2b3e-4f70-9bac-1d2e3f4a5b6c',
  reviewedAt: '2026-11-02',
  seoTitle: 'Self-compassion guide',
  seoDescription: 'How to be kind to yourself.',
};

const update = (edits: UpdateArticleRequest, slug = CURRENT.slug): ArticleSnapshot => applyEdits(CURRENT, edits, slug);

describe('applyEdits: create', () => {
  it('fills every field not sent with its default', () => {
    const edits: CreateArticleRequest = { title: 'Sleep', author: { name: 'Maya' } };
    expect(applyEdits(undefined, edits, 'sleep')).toEqual({
      slug: 'sleep',
      title: 'Sleep',
      customExcerpt: null,
      body: '',
      tags: [],
      coverImageUrl: null,
      coverImageAlt: null,
      coverMediaId: null,
      authorName: 'Maya',
      authorCredentials: null,
      authorPractitionerId: null,
      reviewedBy: null,
      reviewedByPractitionerId: null,
      reviewedAt: null,
      seoTitle: null,
      seoDescription: null,
    });
  });

  it('takes every field sent', () => {
    const edits: CreateArticleRequest = {
      title: 'Sleep',
      slug: 'ignored-here',
      excerpt: 'Rest well.',
      body: 'Body',
      tags: ['sleep'],
      coverImage: { url: 'https://images.example.org/bed.jpg', alt: 'A bed' },
      author: { name: 'Maya', credentials: 'LMFT' },
      review: { reviewedBy: 'Dr. Okafor', reviewedAt: '2026-01-05' },
      seo: { title: 'Sleep better', description: 'Tips for sleep.' },
    };
    expect(applyEdits(undefined, edits, 'sleep')).toEqual({
      slug: 'sleep',
      title: 'Sleep',
      customExcerpt: 'Rest well.',
      body: 'Body',
      tags: ['sleep'],
      coverImageUrl: 'https://images.example.org/bed.jpg',
      coverImageAlt: 'A bed',
      coverMediaId: null,
      authorName: 'Maya',
      authorCredentials: 'LMFT',
      authorPractitionerId: null,
      reviewedBy: 'Dr. Okafor',
      reviewedByPractitionerId: null,
      reviewedAt: '2026-01-05',
      seoTitle: 'Sleep better',
      seoDescription: 'Tips for sleep.',
    });
  });

  it('treats null nested objects and a null excerpt as absent values', () => {
    const edits: CreateArticleRequest = {
      title: 'Sleep',
      excerpt: null,
      coverImage: null,
      author: { name: 'Maya', credentials: null },
      review: null,
      seo: null,
    };
    expect(applyEdits(undefined, edits, 'sleep')).toEqual(
      applyEdits(undefined, { title: 'Sleep', author: { name: 'Maya' } }, 'sleep'),
    );
  });
});

describe('applyEdits: update', () => {
  it('keeps every field not sent, and takes the slug given', () => {
    expect(update({})).toEqual(CURRENT);
    expect(update({}, 'new-slug')).toEqual({ ...CURRENT, slug: 'new-slug' });
  });

  it('changes only the fields sent', () => {
    expect(update({ title: 'New title', tags: [] })).toEqual({ ...CURRENT, title: 'New title', tags: [] });
  });

  it('takes an empty body as a value', () => {
    expect(update({ body: '' })).toEqual({ ...CURRENT, body: '' });
  });

  it('clears the custom excerpt with null', () => {
    expect(update({ excerpt: null })).toEqual({ ...CURRENT, customExcerpt: null });
  });

  it.each<[string, UpdateArticleRequest, Partial<ArticleSnapshot>]>([
    ['coverImage', { coverImage: null }, { coverImageUrl: null, coverImageAlt: null }],
    ['review', { review: null }, { reviewedBy: null, reviewedAt: null, reviewedByPractitionerId: null }],
    ['seo', { seo: null }, { seoTitle: null, seoDescription: null }],
  ])('clears %s with null', (_field, edits, cleared) => {
    expect(update(edits)).toEqual({ ...CURRENT, ...cleared });
  });

  it.each<[string, UpdateArticleRequest, Partial<ArticleSnapshot>]>([
    [
      'coverImage',
      { coverImage: { url: 'https://images.example.org/new.jpg', alt: 'New' } },
      { coverImageUrl: 'https://images.example.org/new.jpg', coverImageAlt: 'New' },
    ],
    [
      'coverImage as a media item (the external URL goes; no alt: the item’s own)',
      { coverImage: { mediaId: '6f1c2a4e-8b3d-4c5e-9f70-1a2b3c4d5e6f' } },
      { coverImageUrl: null, coverImageAlt: null, coverMediaId: '6f1c2a4e-8b3d-4c5e-9f70-1a2b3c4d5e6f' },
    ],
    [
      'author (a missing credentials clears them)',
      { author: { name: 'Ann' } },
      { authorName: 'Ann', authorCredentials: null, authorPractitionerId: null },
    ],
    [
      'author (null credentials)',
      { author: { name: 'Ann', credentials: null } },
      { authorName: 'Ann', authorCredentials: null, authorPractitionerId: null },
    ],
    [
      'author (new credentials)',
      { author: { name: 'Ann', credentials: 'PhD' } },
      { authorName: 'Ann', authorCredentials: 'PhD', authorPractitionerId: null },
    ],
    [
      'review',
      { review: { reviewedBy: 'Dr. Lee', reviewedAt: '2027-03-01' } },
      { reviewedBy: 'Dr. Lee', reviewedAt: '2027-03-01', reviewedByPractitionerId: null },
    ],
    ['seo (only a title clears the description)', { seo: { title: 'T' } }, { seoTitle: 'T', seoDescription: null }],
    [
      'seo (only a description clears the title)',
      { seo: { description: 'D' } },
      { seoTitle: null, seoDescription: 'D' },
    ],
    ['seo (an empty object clears both)', { seo: {} }, { seoTitle: null, seoDescription: null }],
  ])('replaces %s whole', (_field, edits, replaced) => {
    expect(update(edits)).toEqual({ ...CURRENT, ...replaced });
  });

  it('links the practitioners the request names, keeps links of fields not sent, and drops them with their field', () => {
    const elena = '7d2e9b4f-3c1a-4e5d-8f6a-2b3c4d5e6f70';
    expect(
      applyEdits(CURRENT, { author: { name: 'Elena', practitioner: 'elena' } }, CURRENT.slug, { author: elena }),
    ).toEqual({ ...CURRENT, authorName: 'Elena', authorCredentials: null, authorPractitionerId: elena });
    expect(update({ title: 'Only the title' })).toMatchObject({
      authorPractitionerId: CURRENT.authorPractitionerId,
      reviewedByPractitionerId: CURRENT.reviewedByPractitionerId,
    });
    expect(update({ review: null })).toMatchObject({ reviewedByPractitionerId: null });
    expect(changedFields(CURRENT, { ...CURRENT, authorPractitionerId: elena })).toEqual(['author']);
    expect(changedFields(CURRENT, { ...CURRENT, reviewedByPractitionerId: null })).toEqual(['review']);
  });

  it('does not change the current snapshot', () => {
    const before = structuredClone(CURRENT);
    update({ title: 'x', coverImage: null, author: { name: 'y' }, seo: null, review: null, tags: ['z'] });
    expect(CURRENT).toEqual(before);
  });
});

const ARTICLE: Article = {
  ...CURRENT,
  id: '0d1c8a4e-3f7b-4d2a-9a51-6c2f1e0b7d33',
  excerpt: 'A gentle start.',
  bodyHtml: '<p>x</p>',
  bodyText: 'x',
  toc: [],
  wordCount: 1,
  readingTimeMinutes: 1,
  status: 'published',
  publishedAt: new Date('2026-11-03T09:00:00Z'),
  republishedAt: null,
  wentLiveAt: new Date('2026-11-03T09:00:00Z'),
  version: 4,
  createdBy: null,
  updatedBy: null,
  createdAt: new Date('2026-11-01T09:00:00Z'),
  updatedAt: new Date('2026-11-03T09:00:00Z'),
};

describe('snapshotOf', () => {
  it('takes exactly the editable fields', () => {
    expect(snapshotOf(ARTICLE)).toEqual(CURRENT);
  });

  it('is the identity with applyEdits of no edits', () => {
    expect(applyEdits(snapshotOf(ARTICLE), {}, ARTICLE.slug)).toEqual(snapshotOf(ARTICLE));
  });
});

describe('changedFields', () => {
  it('is empty for equal snapshots', () => {
    expect(changedFields(CURRENT, structuredClone(CURRENT))).toEqual([]);
  });

  it.each<[Partial<ArticleSnapshot>, string[]]>([
    [{ slug: 'other' }, ['slug']],
    [{ title: 'Other' }, ['title']],
    [{ customExcerpt: null }, ['excerpt']],
    [{ body: '' }, ['body']],
    [{ tags: ['anxiety', 'self-compassion'] }, ['tags']],
    [{ coverImageAlt: 'Another cup' }, ['coverImage']],
    [{ coverImageUrl: null, coverImageAlt: null }, ['coverImage']],
    [{ authorCredentials: null }, ['author']],
    [{ reviewedAt: '2027-01-01' }, ['review']],
    [{ seoDescription: null }, ['seo']],
  ])('names the API field of %j', (change, fields) => {
    expect(changedFields(CURRENT, { ...CURRENT, ...change })).toEqual(fields);
  });

  it('lists several changes in the order of the API fields', () => {
    expect(
      changedFields(CURRENT, update({ seo: null, title: 'T', author: { name: 'A' }, body: 'b' }, 'new-slug')),
    ).toEqual(['slug', 'title', 'body', 'author', 'seo']);
  });
});

describe('deriveFields', () => {
  it('renders the body and keeps a custom excerpt', () => {
    expect(deriveFields({ ...CURRENT, body: 'Lead [link](https://x.org).\n\n## Next\n\nMore.' })).toEqual({
      excerpt: 'A gentle start.',
      bodyHtml: `<p>Lead <a href="https://x.org" ${REL}>link</a>.</p>\n<h2 id="next">Next</h2>\n<p>More.</p>\n`,
      bodyText: 'Lead link.\n\nNext\n\nMore.',
      toc: [{ id: 'next', text: 'Next', level: 2 }],
      wordCount: 4,
      readingTimeMinutes: 1,
    });
  });

  it('derives the excerpt from the body without a custom one', () => {
    expect(deriveFields({ ...CURRENT, customExcerpt: null }).excerpt).toBe('Most of us are harsh with ourselves.');
  });

  it('derives nothing from an empty body', () => {
    expect(deriveFields({ ...CURRENT, customExcerpt: null, body: '' })).toEqual({
      excerpt: '',
      bodyHtml: '',
      bodyText: '',
      toc: [],
      wordCount: 0,
      readingTimeMinutes: 0,
    });
  });
});

describe('slugFromTitle', () => {
  it.each([
    ['Being Kind to Yourself on Hard Days', 'being-kind-to-yourself-on-hard-days'],
    ['Ça va? Überall — 100%', 'ca-va-ueberall-100'],
    ['Déjà vu', 'deja-vu'],
    ['Ærøskøbing Straße', 'aeroskobing-strasse'],
    ['C++ & C#', 'c-and-c'],
    ['  Spaces   everywhere  ', 'spaces-everywhere'],
    ['camelCase Words', 'camelcase-words'],
    ['2026: the year', '2026-the-year'],
  ])('turns %j into %j', (title, slug) => {
    expect(slugFromTitle(title)).toBe(slug);
  });

  it.each(['', '   ', '!!!', '— … —', '日本語'])('falls back to "article" for %j', (title) => {
    expect(slugFromTitle(title)).toBe('article');
  });

  it('keeps at most 120 characters', () => {
    expect(slugFromTitle('a'.repeat(200))).toBe('a'.repeat(120));
  });

  it('does not end with the hyphen where the cut falls', () => {
    expect(slugFromTitle(`${'a'.repeat(119)} bcd`)).toBe('a'.repeat(119));
  });

  it('always gives a kebab-case slug of at most 120 characters', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 250 }), (title) => {
        const slug = slugFromTitle(title);
        expect(slug).toMatch(/^[a-z0-9]+(?:-[a-z0-9]+)*$/);
        expect(slug.length).toBeLessThanOrEqual(120);
      }),
      { numRuns: 300 },
    );
  });
});

describe('firstFreeSlug', () => {
  it('keeps a free slug', () => {
    expect(firstFreeSlug('sleep', new Set(['sleep-2']))).toBe('sleep');
  });

  it('adds -2, -3… until the slug is free', () => {
    expect(firstFreeSlug('sleep', new Set(['sleep']))).toBe('sleep-2');
    expect(firstFreeSlug('sleep', new Set(['sleep', 'sleep-2', 'sleep-3']))).toBe('sleep-4');
    expect(firstFreeSlug('sleep', new Set(['sleep', 'sleep-3']))).toBe('sleep-2');
  });

  it('shortens a long slug to make room for the suffix', () => {
    const base = 'a'.repeat(120);
    expect(firstFreeSlug(base, new Set([base]))).toBe(`${'a'.repeat(118)}-2`);
    const taken = new Set([base, ...Array.from({ length: 8 }, (_, i) => `${'a'.repeat(118)}-${i + 2}`)]);
    expect(firstFreeSlug(base, taken)).toBe(`${'a'.repeat(117)}-10`);
  });

  it('does not leave a double hyphen where the slug is shortened', () => {
    const base = `${'a'.repeat(117)}-bc`;
    expect(firstFreeSlug(base, new Set([base]))).toBe(`${'a'.repeat(117)}-2`);
  });

  it('always returns a free slug of at most 120 characters', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[a-z0-9]{1,10}(?:-[a-z0-9]{1,10}){0,12}$/).map((s) => s.slice(0, 120).replace(/-+$/, '')),
        fc.integer({ min: 0, max: 15 }),
        (base, takenCount) => {
          const taken = new Set([base]);
          while (taken.size < takenCount + 1) taken.add(firstFreeSlug(base, taken));
          const slug = firstFreeSlug(base, taken);
          expect(taken.has(slug)).toBe(false);
          expect(slug.length).toBeLessThanOrEqual(120);
          expect(slug).not.toContain('--');
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('seoOf', () => {
  const article = {
    title: 'Being Kind to Yourself',
    excerpt: 'A gentle start.',
    seoTitle: null,
    seoDescription: null,
  };

  it('defaults to the title and the excerpt', () => {
    expect(seoOf(article)).toEqual({ title: 'Being Kind to Yourself', description: 'A gentle start.' });
  });

  it('prefers the overrides', () => {
    expect(seoOf({ ...article, seoTitle: 'SEO title', seoDescription: 'SEO description' })).toEqual({
      title: 'SEO title',
      description: 'SEO description',
    });
  });

  it('cuts the defaults to 70 and 160 characters at a word boundary', () => {
    const title = 'Being Kind to Yourself on Hard Days: A Practical Guide to Self-Compassion for Everyone';
    const excerpt = Array.from({ length: 40 }, () => 'gentle').join(' ');
    expect(seoOf({ ...article, title, excerpt })).toEqual({
      title: 'Being Kind to Yourself on Hard Days: A Practical Guide to…',
      description: `${Array.from({ length: 22 }, () => 'gentle').join(' ')}…`,
    });
  });

  it('does not cut the overrides', () => {
    const long = 'x'.repeat(200);
    expect(seoOf({ ...article, seoTitle: long, seoDescription: long })).toEqual({ title: long, description: long });
  });
});

describe('highlightHtml', () => {
  it('escapes every HTML special character', () => {
    expect(highlightHtml(`<b>Tom & "Jerry"</b> it's`)).toBe('&lt;b&gt;Tom &amp; &quot;Jerry&quot;&lt;/b&gt; it&#39;s');
  });

  it('turns only the markers into <mark>', () => {
    expect(highlightHtml(`a ${HIGHLIGHT_START}calm${HIGHLIGHT_STOP} and ${HIGHLIGHT_START}<i>${HIGHLIGHT_STOP}`)).toBe(
      'a <mark>calm</mark> and <mark>&lt;i&gt;</mark>',
    );
  });

  it('escapes mark tags already in the text', () => {
    expect(highlightHtml('<mark>x</mark>')).toBe('&lt;mark&gt;x&lt;/mark&gt;');
  });

  it('does not escape twice', () => {
    expect(highlightHtml('&amp;')).toBe('&amp;amp;');
  });

  it('keeps text without special characters', () => {
    expect(highlightHtml('plain text … ünïcode')).toBe('plain text … ünïcode');
  });

  it('leaves no markup but the marks, for any text', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(fc.string({ unit: 'grapheme', maxLength: 10 }), fc.constantFrom(HIGHLIGHT_START, HIGHLIGHT_STOP)),
        ),
        (parts) => {
          const html = highlightHtml(parts.join(''));
          const rest = html.replaceAll('<mark>', '').replaceAll('</mark>', '');
          expect(rest).not.toMatch(/[<>"']/);
          expect(rest).not.toMatch(/&(?!amp;|lt;|gt;|quot;|#39;)/);
          expect(rest).not.toContain(HIGHLIGHT_START);
          expect(rest).not.toContain(HIGHLIGHT_STOP);
        },
      ),
      { numRuns: 300 },
    );
  });
});
