import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { SLUG_PATTERN } from '../common/validation/decorators.js';
import { demoArticleRow, demoArticles, type DemoArticle } from './demo-articles.seeder.js';
import { CreateArticleRequest } from './dto/article.requests.js';
import { renderBody } from './markdown.js';

const NOW = new Date('2026-03-15T12:00:00Z');
const DAY_MS = 24 * 60 * 60 * 1000;

const demos = demoArticles(NOW);
const live = demos.filter((d) => d.status === 'published' && d.publishedAt !== null && d.publishedAt <= NOW);
const scheduled = demos.filter((d) => d.status === 'published' && d.publishedAt !== null && d.publishedAt > NOW);
const drafts = demos.filter((d) => d.status === 'draft');
const titleOf = (d: DemoArticle) => d.request.title;

describe('demo articles', () => {
  it('are three published in the past, one draft and one scheduled about a week ahead', () => {
    expect(demos).toHaveLength(5);
    expect(live.map((d) => Math.round((NOW.getTime() - d.publishedAt!.getTime()) / DAY_MS))).toEqual([30, 14, 3]);
    expect(drafts).toHaveLength(1);
    expect(drafts[0].publishedAt).toBeNull();
    expect(scheduled).toHaveLength(1);
    expect(scheduled[0].publishedAt!.getTime() - NOW.getTime()).toBe(7 * DAY_MS);
  });

  it('are valid create requests', async () => {
    for (const { request } of demos) {
      const errors = await validate(plainToInstance(CreateArticleRequest, request), {
        whitelist: true,
        forbidNonWhitelisted: true,
      });
      expect({ title: request.title, errors }).toEqual({ title: request.title, errors: [] });
    }
  });

  it.each(live.map((d) => [titleOf(d), d] as const))('"%s" is a substantive, well-structured post', (_, demo) => {
    const rendered = renderBody(demo.request.body!);
    const h2 = rendered.toc.filter((entry) => entry.level === 2);
    expect(h2.length).toBeGreaterThanOrEqual(3);
    expect(h2.length).toBeLessThanOrEqual(5);
    expect(rendered.toc.some((entry) => entry.level === 3)).toBe(true);
    expect(new Set(rendered.toc.map((entry) => entry.id)).size).toBe(rendered.toc.length);
    expect(rendered.wordCount).toBeGreaterThanOrEqual(500);
    expect(rendered.wordCount).toBeLessThanOrEqual(1100);
    expect(rendered.html).toContain('<ul>');
    // An introduction before the first heading, which becomes the excerpt.
    expect(demo.request.body!.trimStart().startsWith('#')).toBe(false);
    expect(rendered.excerpt.length).toBeGreaterThan(100);
    expect(demo.request.body).toContain('988');
  });

  it('have an author with credentials, and covers on https with alt text', () => {
    for (const { request } of demos) {
      expect(request.author.name).toBeTruthy();
      expect(request.author.credentials).toMatch(/^[A-Z]{2,5}$/);
      if (request.coverImage) {
        expect(request.coverImage.url).toMatch(/^https:\/\/[a-z.]+\.example\.org\//);
        expect(request.coverImage.alt?.length).toBeGreaterThan(10);
      }
    }
    expect(live.every((d) => d.request.coverImage)).toBe(true);
  });

  it('include a clinically reviewed article, reviewed before it was published', () => {
    const reviewed = live.filter((d) => d.request.review);
    expect(reviewed).toHaveLength(1);
    const { reviewedBy, reviewedAt } = reviewed[0].request.review!;
    expect(reviewedBy).toBeTruthy();
    expect(new Date(`${reviewedAt}T00:00:00Z`).getTime()).toBeLessThan(reviewed[0].publishedAt!.getTime());
  });

  it('have 2 to 4 lowercase kebab tags, and every live article shares a tag with another', () => {
    for (const { request } of demos) {
      expect(request.tags!.length).toBeGreaterThanOrEqual(2);
      expect(request.tags!.length).toBeLessThanOrEqual(4);
      for (const tag of request.tags!) expect(tag).toMatch(SLUG_PATTERN);
    }
    for (const demo of live) {
      const others = live.filter((d) => d !== demo).flatMap((d) => d.request.tags!);
      expect(demo.request.tags!.some((tag) => others.includes(tag))).toBe(true);
    }
  });

  it('become rows with unique slugs, derived fields and version 1', () => {
    const rows = demos.map((d) => demoArticleRow(d));
    expect(new Set(rows.map((r) => r.slug)).size).toBe(rows.length);
    for (const [i, row] of rows.entries()) {
      expect(row.slug).toMatch(SLUG_PATTERN);
      expect(row).toMatchObject({
        title: demos[i].request.title,
        status: demos[i].status,
        publishedAt: demos[i].publishedAt,
        version: 1,
        authorName: demos[i].request.author.name,
        tags: demos[i].request.tags,
      });
      expect(row.bodyHtml).toContain('<h2 id=');
      expect(row.excerpt!.length).toBeGreaterThan(0);
      expect(row.excerpt!.length).toBeLessThanOrEqual(500);
      expect(row.readingTimeMinutes).toBeGreaterThan(0);
    }
    expect(rows[0].slug).toBe('self-compassion-in-everyday-life-small-practices-for-ordinary-days');
  });

  it('are the same content whenever they are seeded, only the dates move', () => {
    const later = demoArticles(new Date(NOW.getTime() + 90 * DAY_MS));
    expect(later.map((d) => d.request.body)).toEqual(demos.map((d) => d.request.body));
    expect(later[0].publishedAt!.getTime() - demos[0].publishedAt!.getTime()).toBe(90 * DAY_MS);
  });
});
