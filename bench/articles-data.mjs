// Generated articles for the benchmarks, loaded straight into `articles` with batched `INSERT … SELECT FROM
// unnest(…)`: 90 % published with `published_at` spread over the past five years, 10 % drafts; 1–4 tags of 30,
// eight authors, cover images on ~60 %, clinical reviews on ~30 %. Bodies are 800–1,500-word Markdown documents
// rendered by the API's own `renderBody()`; 40 distinct ones are shared among the rows. With `plant`, a third of the
// articles also carry COMMON_WORD and ten carry RARE_WORD (at the end of the body), for the search workloads.
import { renderBody } from '../dist/src/articles/markdown.js';
import { withClient } from './lib.mjs';

export const SITE_URL = 'https://wellclinic.example';
export const PUBLISHED_SHARE = 0.9;
/** In a third of all articles (with `plant`). */
export const COMMON_WORD = 'equanimity';
/** In RARE_COUNT articles, all published (with `plant`). */
export const RARE_WORD = 'kintsugi';
export const RARE_COUNT = 10;
const COMMON_SENTENCE = 'Many clients describe the equanimity that grows, slowly, out of a regular practice.';
const RARE_SENTENCE = 'The Japanese art of kintsugi, mending broken pottery with gold, is a fitting picture of repair.';
const DISTINCT_BODIES = 40;
const BATCH = 1_000;

/** Deterministic pseudo-random numbers (mulberry32): every run loads the same articles. */
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

let random = prng(20_240_611);
const pick = (items) => items[Math.floor(random() * items.length)];
const between = (min, max) => min + Math.floor(random() * (max - min + 1));
function sample(items, count) {
  const pool = [...items];
  const out = [];
  while (out.length < count && pool.length > 0) out.push(pool.splice(Math.floor(random() * pool.length), 1)[0]);
  return out;
}

export const TAGS = [
  'anxiety',
  'depression',
  'self-compassion',
  'mindfulness',
  'couples-therapy',
  'grief',
  'trauma',
  'ptsd',
  'sleep',
  'stress',
  'burnout',
  'parenting',
  'adolescents',
  'relationships',
  'boundaries',
  'self-esteem',
  'ocd',
  'adhd',
  'emdr',
  'cbt',
  'dbt',
  'family-therapy',
  'life-transitions',
  'panic',
  'social-anxiety',
  'perinatal',
  'lgbtq',
  'eating-disorders',
  'workplace',
  'resilience',
];
const AUTHORS = [
  ['Maya Reyes', 'LMFT'],
  ['Daniel Okafor', 'PsyD'],
  ['Priya Natarajan', 'LCSW'],
  ['Hannah Lindqvist', 'LPCC'],
  ['Jonah Feldman', 'PhD'],
  ['Well Clinic Team', null],
  ['Amara Mensah', 'LMFT'],
  ['Lucas Moreau', 'LCSW'],
];
const REVIEWERS = ['Dr. Elena Park, MD', 'Dr. Samuel Achebe, PhD', 'Rachel Gold, LMFT'];
const TITLE_OPENERS = [
  'Understanding',
  'A Gentle Guide to',
  'Five Myths About',
  'What to Know About',
  'Living With',
  'Talking to Your Partner About',
  'Small Daily Habits for',
  'When to Seek Help for',
  'The Science Behind',
  'Questions Clients Ask About',
];
const TITLE_TOPICS = [
  'Self-Compassion',
  'Everyday Anxiety',
  'Grief After a Loss',
  'Burnout at Work',
  'Sleep and Mood',
  'Setting Boundaries',
  'Panic Attacks',
  'Parenting Teenagers',
  'Couples Conflict',
  'Perfectionism',
  'Social Anxiety',
  'Trauma Recovery',
  'Postpartum Mood Changes',
  'Life Transitions',
  'Loneliness',
  'Intrusive Thoughts',
];
const HEADINGS = [
  'Understanding Self-Compassion',
  'Practical Strategies',
  'The Components of Self-Compassion',
  'Overcoming Obstacles',
  'What the Research Says',
  'How Therapy Can Help',
  'Signs It Is Time to Reach Out',
  'Building a Daily Practice',
  'Supporting Someone You Love',
  'Common Misconceptions',
  'Questions to Ask Yourself',
  'Putting It Together',
];
const SUBHEADINGS = ['Start small', 'Notice the inner critic', 'Talk to yourself like a friend', 'Make room for rest'];
const SENTENCES = [
  'Many of the people we work with describe a voice that is quick to criticize and slow to forgive.',
  'Self-compassion is not self-pity, and it is not an excuse to avoid responsibility.',
  'Research over the past two decades links self-kindness with lower anxiety and more stable moods.',
  'When we treat our mistakes as part of being human, we recover from them faster.',
  'It can help to notice the physical signs of stress before they turn into a spiral of worry.',
  'Therapy offers a space where these patterns can be named without judgment.',
  'Small, repeated practices tend to matter more than occasional grand gestures.',
  'Sleep, movement and connection remain some of the most reliable supports for mental health.',
  'Avoidance often brings short-term relief and long-term cost.',
  'A skilled clinician can help you tell the difference between a rough week and something more persistent.',
  'Couples frequently find that the argument on the surface is rarely the argument underneath.',
  'Grief does not move in tidy stages, and there is no deadline for feeling better.',
  'Children learn how to handle big feelings largely by watching the adults around them.',
  'Naming an emotion out loud can make it feel more manageable.',
  'Perfectionism can look like high standards while quietly feeding exhaustion and shame.',
  'Mindfulness is simply the practice of paying attention to the present moment on purpose.',
  'Cognitive behavioral therapy helps people notice and test the thoughts that drive distress.',
  'Progress is rarely a straight line, and setbacks are part of the work.',
  'Asking for help is a skill, and like any skill it gets easier with practice.',
  'Boundaries are not walls; they are information about what you need to stay well.',
  'If you are in crisis, call or text 988 to reach the Suicide and Crisis Lifeline.',
  'The goal is not to never feel anxious but to feel able to cope when anxiety shows up.',
  'Writing down three things that went well each evening is a simple, well-studied exercise.',
  'Our clinicians tailor these approaches to each person’s history, culture and goals.',
];

function paragraph(min = 4, max = 7) {
  return Array.from({ length: between(min, max) }, () => pick(SENTENCES)).join(' ');
}

/** ~800–1500 words of Markdown: an introduction, then headed sections with lists, quotes and subsections. */
function markdownBody() {
  const target = between(800, 1500);
  const parts = [paragraph(), paragraph(3, 5)];
  let words = parts.join(' ').split(/\s+/).length;
  const headings = sample(HEADINGS, HEADINGS.length);
  let section = 0;
  while (words < target) {
    const block = [`## ${headings[section % headings.length]}${section >= headings.length ? ` (${section})` : ''}`];
    block.push(paragraph());
    if (section % 3 === 1) {
      block.push(
        Array.from({ length: between(3, 5) }, () => `- **${pick(SUBHEADINGS)}.** ${pick(SENTENCES)}`).join('\n'),
      );
    }
    if (section % 4 === 2) block.push(`> ${pick(SENTENCES)}`);
    if (section % 3 === 2) block.push(`### ${pick(SUBHEADINGS)}`, paragraph(3, 5));
    block.push(paragraph(3, 6));
    if (section === 0)
      block.push(`Read more on the [Well Clinic website](${SITE_URL}/articles) or call our front desk.`);
    parts.push(...block);
    words += block.join(' ').split(/\s+/).length;
    section++;
  }
  return parts.join('\n\n');
}

const kebab = (text) =>
  text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');

/**
 * The bodies, rendered: DISTINCT_BODIES plain ones, then (with `plant`) the same ones ending in COMMON_SENTENCE,
 * then the same ones ending in RARE_SENTENCE. Body `kind * DISTINCT_BODIES + n` is plain body `n` of that kind.
 */
function renderedBodies(plant) {
  const plain = Array.from({ length: DISTINCT_BODIES }, () => markdownBody());
  const all = plant
    ? [...plain, ...plain.map((b) => `${b}\n\n${COMMON_SENTENCE}`), ...plain.map((b) => `${b}\n\n${RARE_SENTENCE}`)]
    : plain;
  return all.map((body) => ({ body, ...renderBody(body) }));
}

/** Article indexes that carry the rare word: published, spread over the table, never one with the common word. */
function rareIndexes(published) {
  return new Set(Array.from({ length: RARE_COUNT }, (_, k) => 3 * Math.floor((k * published) / (3 * RARE_COUNT)) + 1));
}

/** The rows as column arrays, ready for `unnest`. */
function generateArticles(count, published, plant, now) {
  const FIVE_YEARS = 5 * 365 * 24 * 3600 * 1000;
  const rare = plant ? rareIndexes(published) : new Set();
  const columns = {
    slug: [],
    title: [],
    bodyIndex: [],
    tags: [],
    coverUrl: [],
    coverAlt: [],
    authorName: [],
    authorCredentials: [],
    reviewedBy: [],
    reviewedAt: [],
    status: [],
    publishedAt: [],
    createdAt: [],
    updatedAt: [],
  };
  let commonPublished = 0;
  for (let i = 0; i < count; i++) {
    const isPublished = i < published;
    const title = `${pick(TITLE_OPENERS)} ${pick(TITLE_TOPICS)}`;
    const slug = `${kebab(title)}-${i + 1}`;
    const publishedAt = isPublished ? new Date(now - 60_000 - Math.floor(random() * FIVE_YEARS)) : null;
    const createdAt = new Date(
      (publishedAt ?? new Date(now - Math.floor(random() * FIVE_YEARS))).getTime() - 86_400_000 * between(1, 20),
    );
    const [authorName, authorCredentials] = pick(AUTHORS);
    const reviewed = isPublished && random() < 0.3;
    const kind = rare.has(i) ? 2 : plant && i % 3 === 0 ? 1 : 0;
    if (kind === 1 && isPublished) commonPublished++;
    columns.slug.push(slug);
    columns.title.push(title);
    columns.bodyIndex.push(kind * DISTINCT_BODIES + (i % DISTINCT_BODIES));
    columns.tags.push(sample(TAGS, between(1, 4)).join(','));
    columns.coverUrl.push(random() < 0.6 ? `https://images.wellclinic.example/articles/${slug}.jpg` : null);
    columns.coverAlt.push(columns.coverUrl[i] ? `Illustration for “${title}”` : null);
    columns.authorName.push(authorName);
    columns.authorCredentials.push(authorCredentials);
    columns.reviewedBy.push(reviewed ? pick(REVIEWERS) : null);
    columns.reviewedAt.push(reviewed ? publishedAt.toISOString().slice(0, 10) : null);
    columns.status.push(isPublished ? 'published' : 'draft');
    columns.publishedAt.push(publishedAt?.toISOString() ?? null);
    columns.createdAt.push(createdAt.toISOString());
    columns.updatedAt.push((publishedAt ?? createdAt).toISOString());
  }
  return { columns, commonPublished, rarePublished: rare.size };
}

const INSERT = `INSERT INTO articles (slug, title, excerpt, body, body_html, body_text, toc, word_count, reading_time_minutes,
     tags, cover_image_url, cover_image_alt, author_name, author_credentials, reviewed_by, reviewed_at, status,
     published_at, went_live_at, created_at, updated_at)
   SELECT u.slug, u.title, b.excerpt, b.body, b.body_html, b.body_text, b.toc, b.word_count, b.reading_time_minutes,
     string_to_array(u.tags, ','), u.cover_url, u.cover_alt, u.author_name, u.author_credentials, u.reviewed_by,
     u.reviewed_at, u.status::article_status, u.published_at,
     CASE WHEN u.status = 'published' AND u.published_at <= now() THEN u.published_at END, u.created_at, u.updated_at
   FROM unnest($1::text[], $2::text[], $3::int[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[],
     $9::text[], $10::date[], $11::text[], $12::timestamptz[], $13::timestamptz[], $14::timestamptz[])
     AS u(slug, title, body_idx, tags, cover_url, cover_alt, author_name, author_credentials, reviewed_by,
       reviewed_at, status, published_at, created_at, updated_at)
   JOIN bench_bodies b ON b.idx = u.body_idx`;

/**
 * Loads `count` articles into the database at `url` (its schema already migrated), over `connections` sessions
 * taking alternate batches of 1,000 (the `search_vector` each row generates costs PostgreSQL CPU), then
 * `VACUUM ANALYZE`. Resolves with what the workloads need: how many are live, `detailSlugs` (live ones spread over
 * the table) and, with `plant`, how many live ones carry each planted word. Published articles are stored as having
 * gone live at their `published_at` (`went_live_at`), as years of real use leave them: otherwise the API's go-live
 * sweep announces the whole backlog during the measurements, 200 articles a run, and its updates leave the pages of
 * the table not all-visible, so that index-only scans fetch heap pages (page 400 of 100,000: 4,989 heap fetches,
 * 4.5 ms instead of 0.9).
 */
export async function loadArticles(
  url,
  { count, plant = false, connections = 1, seed = 20_240_611, log = console.log },
) {
  const started = Date.now();
  random = prng(seed);
  const published = Math.round(count * PUBLISHED_SHARE);
  const bodies = renderedBodies(plant);
  const { columns, commonPublished, rarePublished } = generateArticles(count, published, plant, Date.now());
  const batches = [];
  for (let start = 0; start < count; start += BATCH) batches.push(start);
  let done = 0;
  let reported = 0;
  await Promise.all(
    Array.from({ length: connections }, (_, session) =>
      withClient(url, async (client) => {
        await client.query(
          'CREATE TEMP TABLE bench_bodies (idx int PRIMARY KEY, body text, body_html text, body_text text, toc jsonb, word_count int, reading_time_minutes int, excerpt text)',
        );
        await client.query(
          'INSERT INTO bench_bodies SELECT * FROM unnest($1::int[], $2::text[], $3::text[], $4::text[], $5::jsonb[], $6::int[], $7::int[], $8::text[])',
          [
            bodies.map((_, i) => i),
            bodies.map((b) => b.body),
            bodies.map((b) => b.html),
            bodies.map((b) => b.text),
            bodies.map((b) => JSON.stringify(b.toc)),
            bodies.map((b) => b.wordCount),
            bodies.map((b) => b.readingTimeMinutes),
            bodies.map((b) => b.excerpt),
          ],
        );
        for (let b = session; b < batches.length; b += connections) {
          const slice = (values) => values.slice(batches[b], batches[b] + BATCH);
          await client.query(INSERT, [
            slice(columns.slug),
            slice(columns.title),
            slice(columns.bodyIndex),
            slice(columns.tags),
            slice(columns.coverUrl),
            slice(columns.coverAlt),
            slice(columns.authorName),
            slice(columns.authorCredentials),
            slice(columns.reviewedBy),
            slice(columns.reviewedAt),
            slice(columns.status),
            slice(columns.publishedAt),
            slice(columns.createdAt),
            slice(columns.updatedAt),
          ]);
          done += Math.min(BATCH, count - batches[b]);
          if (count >= 20_000 && done - reported >= count / 5) {
            reported = done;
            log(`  … ${done.toLocaleString('en-US')} articles (${((Date.now() - started) / 1000).toFixed(0)} s)`);
          }
        }
      }),
    ),
  );
  await withClient(url, (client) => client.query('VACUUM ANALYZE articles'));
  const words = bodies.map((b) => b.wordCount);
  log(
    `loaded ${count.toLocaleString('en-US')} articles (${published.toLocaleString('en-US')} published; ` +
      `${bodies.length} distinct bodies of ${Math.min(...words)}–${Math.max(...words)} words) in ` +
      `${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
  const detailCount = Math.min(2_000, published);
  const step = Math.floor(published / detailCount);
  return {
    published,
    detailSlugs: Array.from({ length: detailCount }, (_, i) => columns.slug[i * step]),
    commonPublished,
    rarePublished,
  };
}
