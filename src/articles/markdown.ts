import slugify from '@sindresorhus/slugify';
import markdownIt, { type Token } from 'markdown-it';
import sanitizeHtml from 'sanitize-html';

/** A heading readers can jump to: `id` is the anchor of the same heading in `bodyHtml`. */
export interface TocEntry {
  id: string;
  text: string;
  level: 2 | 3;
}

export interface RenderedBody {
  html: string;
  toc: TocEntry[];
  /** The words a reader sees, without Markdown syntax: for counting, excerpts and search snippets. */
  text: string;
  wordCount: number;
  readingTimeMinutes: number;
  /** The opening paragraphs (before the first heading), cut to 300 characters: the default excerpt. */
  excerpt: string;
}

/** Length of the excerpt derived from the body when none is written. */
export const DERIVED_EXCERPT_LENGTH = 300;

/** Adult silent reading speed for non-fiction, the figure most publishers use. */
export const WORDS_PER_MINUTE = 230;

const LINK_SCHEMES = ['http', 'https', 'mailto', 'tel'];
// Images load by themselves as the page opens: plain http would be mixed content and readable on the way.
const IMAGE_SCHEMES = ['https'];
const SCHEME = /^([a-z][a-z0-9+.-]*):/i;

/** Relative URLs (no scheme) and the allowed schemes; everything else (javascript:, data:, …) is dropped. */
function allowedUrl(url: string, schemes: readonly string[]): boolean {
  // Browsers ignore tabs, new lines and leading control characters in a scheme ("java\tscript:").
  // eslint-disable-next-line no-control-regex -- finding control characters is the point
  const compact = url.replace(/[\u0000-\u0020\u007f]+/g, '');
  const scheme = SCHEME.exec(compact)?.[1];
  return scheme === undefined ? !compact.startsWith('//') : schemes.includes(scheme.toLowerCase());
}

/** Raw HTML in the source is shown as text (`html: false`); links are checked before and after rendering. */
const markdown = markdownIt({ html: false, linkify: true, typographer: true });
markdown.validateLink = (url) => allowedUrl(url, LINK_SCHEMES);

/** Second line of defence: whatever the renderer emits, only this vocabulary reaches a browser. */
const SANITIZE: sanitizeHtml.IOptions = {
  allowedTags: [
    'p',
    'h1',
    'h2',
    'h3',
    'h4',
    'h5',
    'h6',
    'blockquote',
    'ul',
    'ol',
    'li',
    'pre',
    'code',
    'em',
    'strong',
    's',
    'a',
    'img',
    'hr',
    'br',
    'table',
    'thead',
    'tbody',
    'tr',
    'th',
    'td',
  ],
  allowedAttributes: {
    a: ['href', 'title', 'rel'],
    img: ['src', 'alt', 'title'],
    h2: ['id'],
    h3: ['id'],
    ol: ['start'],
    code: ['class'],
  },
  allowedClasses: { code: ['language-*'] },
  allowedSchemes: LINK_SCHEMES,
  allowedSchemesByTag: { img: IMAGE_SCHEMES },
  allowProtocolRelative: false,
  disallowedTagsMode: 'escape',
  transformTags: {
    a: (tagName, attribs) => ({
      tagName,
      attribs: { ...attribs, ...(/^https?:/i.test(attribs.href ?? '') ? { rel: 'noopener noreferrer nofollow' } : {}) },
    }),
  },
};

function inlineText(token: Token): string {
  return (token.children ?? [])
    .map((child) =>
      child.type === 'text' || child.type === 'code_inline'
        ? child.content
        : child.type === 'softbreak' || child.type === 'hardbreak'
          ? ' '
          : '',
    )
    .join('');
}

const countWords = (text: string): number => text.match(/[\p{L}\p{N}]+(?:['’-][\p{L}\p{N}]+)*/gu)?.length ?? 0;

export function readingTimeMinutes(wordCount: number): number {
  return wordCount === 0 ? 0 : Math.max(1, Math.round(wordCount / WORDS_PER_MINUTE));
}

/**
 * Renders an article's Markdown to sanitized HTML, with anchor ids on h2/h3 (stable: the same body always
 * gives the same ids; repeated headings get `-2`, `-3`), the table of contents and the reader's text.
 */
export function renderBody(source: string): RenderedBody {
  const env = {};
  const tokens = markdown.parse(source, env);
  const usedIds = new Set<string>();
  const toc: TocEntry[] = [];
  const blocks: string[] = [];
  // The lead: top-level paragraphs before the first heading (or the first one after it).
  const lead: string[] = [];
  let leadDone = false;
  tokens.forEach((token, index) => {
    if (token.type === 'inline') blocks.push(inlineText(token));
    if (token.type === 'heading_open' && lead.length > 0) leadDone = true;
    if (token.type === 'paragraph_open' && token.level === 0 && !leadDone) {
      lead.push(inlineText(tokens[index + 1]));
      leadDone = lead.join(' ').length >= DERIVED_EXCERPT_LENGTH;
    } else if (token.type === 'fence' || token.type === 'code_block') blocks.push(token.content);
    if (token.type !== 'heading_open' || (token.tag !== 'h2' && token.tag !== 'h3')) return;
    const text = inlineText(tokens[index + 1]).trim();
    const id = uniqueId(slugify(text) || 'section', usedIds);
    token.attrSet('id', id);
    toc.push({ id, text, level: token.tag === 'h2' ? 2 : 3 });
  });
  const text = blocks
    .map((block) => block.trim())
    .filter(Boolean)
    .join('\n\n');
  const wordCount = countWords(text);
  return {
    html: sanitizeHtml(markdown.renderer.render(tokens, markdown.options, env), SANITIZE),
    toc,
    text,
    wordCount,
    readingTimeMinutes: readingTimeMinutes(wordCount),
    excerpt: truncateWords(lead.join(' '), DERIVED_EXCERPT_LENGTH),
  };
}

/** Cuts at a word boundary and marks the cut with an ellipsis. */
export function truncateWords(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat.length <= max) return flat;
  // Room for the ellipsis; back up to a word boundary unless the cut already falls on one.
  let cut = flat.slice(0, max - 1);
  const boundary = cut.lastIndexOf(' ');
  if (flat[max - 1] !== ' ' && boundary > max / 2) cut = cut.slice(0, boundary);
  // Never leave half of a surrogate pair (an emoji) behind.
  if (/[\uD800-\uDBFF]$/.test(cut)) cut = cut.slice(0, -1);
  return `${cut.replace(/[\s,;:.-]+$/, '')}…`;
}

/** `base`, or `base-2`, `base-3`… : the first not used yet in this document. */
function uniqueId(base: string, used: Set<string>): string {
  let id = base;
  for (let n = 2; used.has(id); n++) id = `${base}-${n}`;
  used.add(id);
  return id;
}
