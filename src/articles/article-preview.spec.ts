import { type PreviewBinding, sameBinding, stageOf } from './article-preview.js';

const NOW = new Date('2026-11-20T12:00:00Z');
const at = (iso: string) => new Date(iso);

describe('preview stage', () => {
  it.each([
    ['draft', null, 'draft'],
    ['archived', at('2026-10-01T00:00:00Z'), 'archived'],
    ['published', at('2026-11-20T12:00:01Z'), 'scheduled'],
    ['published', NOW, 'live'],
    ['published', at('2026-10-01T00:00:00Z'), 'live'],
  ] as const)('%s published at %s is %s', (status, publishedAt, stage) => {
    expect(stageOf({ status, publishedAt }, NOW)).toBe(stage);
  });
});

describe('a preview token is bound', () => {
  const made: PreviewBinding = { sub: 'a', stage: 'draft', statusVersion: 1 };

  it('while nothing it names changed', () => {
    expect(sameBinding(made, { ...made })).toBe(true);
  });

  it.each([
    ['another article', { sub: 'b' }],
    ['a stage change', { stage: 'scheduled' }],
    ['a later status change back to the same stage (published, then unpublished)', { statusVersion: 3 }],
  ] as const)('no longer after %s', (_, change) => {
    expect(sameBinding(made, { ...made, ...change })).toBe(false);
  });
});
