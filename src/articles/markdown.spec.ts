import fc from 'fast-check';
import { DERIVED_EXCERPT_LENGTH, readingTimeMinutes, renderBody, truncateWords, WORDS_PER_MINUTE } from './markdown.js';

const NUM_RUNS = 300;
const REL = 'rel="noopener noreferrer nofollow"';

const htmlOf = (source: string): string => renderBody(source).html;
const words = (n: number, word = 'word'): string => Array.from({ length: n }, () => word).join(' ');

describe('renderBody: raw HTML', () => {
  it.each([
    ['a script element', '<script>alert(1)</script>', '<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>\n'],
    [
      'inline tags and an event handler',
      'Hello <b>bold</b> & <img src=x onerror=alert(1)>',
      '<p>Hello &lt;b&gt;bold&lt;/b&gt; &amp; &lt;img src=x onerror=alert(1)&gt;</p>\n',
    ],
    ['an HTML block', '<div class=x>hi</div>', '<p>&lt;div class=x&gt;hi&lt;/div&gt;</p>\n'],
    ['an iframe', '<iframe src=/x></iframe>', '<p>&lt;iframe src=/x&gt;&lt;/iframe&gt;</p>\n'],
    ['an HTML comment', '<!-- note -->', '<p>&lt;!-- note --&gt;</p>\n'],
  ])('shows %s as text', (_label, source, html) => {
    expect(htmlOf(source)).toBe(html);
  });

  it('keeps raw HTML in the reader’s text as it was written', () => {
    const rendered = renderBody('<script>alert(1)</script>');
    expect({ text: rendered.text, excerpt: rendered.excerpt }).toEqual({
      text: '<script>alert(1)</script>',
      excerpt: '<script>alert(1)</script>',
    });
  });

  it('escapes a quote in a link title so that it cannot open an attribute', () => {
    expect(htmlOf('[a](https://x.org "t\\"onmouseover=alert(1)")')).toBe(
      `<p><a href="https://x.org" title="t&quot;onmouseover=alert(1)" ${REL}>a</a></p>\n`,
    );
  });
});

describe('renderBody: links', () => {
  it.each([
    ['javascript:', '[a](javascript:alert(1))', '<p>[a](javascript:alert(1))</p>\n'],
    ['mixed-case javascript:', '[a](JaVaScRiPt:alert(1))', '<p>[a](JaVaScRiPt:alert(1))</p>\n'],
    ['javascript: behind spaces', '[a]( javascript:alert(1) )', '<p>[a]( javascript:alert(1) )</p>\n'],
    ['an entity-encoded javascript:', '[a](&#106;avascript:alert(1))', '<p>[a](javascript:alert(1))</p>\n'],
    ['javascript&colon;', '[a](javascript&colon;alert(1))', '<p>[a](javascript:alert(1))</p>\n'],
    ['vbscript:', '[a](vbscript:msgbox)', '<p>[a](vbscript:msgbox)</p>\n'],
    ['mixed-case VBScript:', '[a](VBScript:msgbox)', '<p>[a](VBScript:msgbox)</p>\n'],
    ['data:', '[a](data:text/html;base64,PHNjcmlwdD4=)', '<p>[a](data:text/html;base64,PHNjcmlwdD4=)</p>\n'],
    ['mixed-case DaTa:', '[a](DaTa:text/html,x)', '<p>[a](DaTa:text/html,x)</p>\n'],
    ['an unknown scheme', '[a](file:///etc/passwd)', '<p>[a](file:///etc/passwd)</p>\n'],
    ['a protocol-relative URL', '[a](//evil.example/x)', '<p>[a](//evil.example/x)</p>\n'],
    ['an escaped protocol-relative URL', '[a](\\/\\/evil.example)', '<p>[a](//evil.example)</p>\n'],
    ['a javascript: reference', '[a]: javascript:alert(1)\n\n[a]', '<p>[a]: javascript:alert(1)</p>\n<p>[a]</p>\n'],
    ['a javascript: autolink', '<javascript:alert(1)>', '<p>&lt;javascript:alert(1)&gt;</p>\n'],
  ])('does not link %s', (_label, source, html) => {
    expect(htmlOf(source)).toBe(html);
  });

  it('does not linkify a protocol-relative URL in the text', () => {
    expect(htmlOf('see //evil.example.com/x')).toBe('<p>see //evil.example.com/x</p>\n');
  });

  it.each([
    ['a tab', '[a](<java\tscript:alert(1)>)', 'java%09script:alert(1)'],
    ['an encoded tab', '[a](java&#9;script:alert(1))', 'java%09script:alert(1)'],
    ['a tab in a reference', '[a]: <java\tscript:alert(1)>\n\n[a]', 'java%09script:alert(1)'],
    ['a leading control character', '[a](<\u0001javascript:alert(1)>)', '%01javascript:alert(1)'],
    ['a backslash after the slash', '[a](/\\evil.example)', '/%5Cevil.example'],
  ])('percent-encodes %s, which leaves a scheme-less relative link', (_label, source, href) => {
    // Browsers strip raw tabs and control characters from a scheme, but not percent-encoded ones: `java%09script:…`
    // has no scheme at all, so it is a harmless path relative to the page.
    expect(htmlOf(source)).toBe(`<p><a href="${href}">a</a></p>\n`);
  });

  it.each([
    ['http', '[a](http://example.org/x)', `<a href="http://example.org/x" ${REL}>a</a>`],
    ['https with a title', '[a](https://example.org/x "T")', `<a href="https://example.org/x" title="T" ${REL}>a</a>`],
    ['upper-case HTTPS', '[a](HTTPS://Example.org/X)', `<a href="HTTPS://Example.org/X" ${REL}>a</a>`],
    ['mailto', '[a](mailto:a@example.org)', '<a href="mailto:a@example.org">a</a>'],
    ['tel', '[a](tel:+15551234)', '<a href="tel:+15551234">a</a>'],
    ['a root-relative path', '[a](/articles/x)', '<a href="/articles/x">a</a>'],
    ['a relative path', '[a](other)', '<a href="other">a</a>'],
    ['a fragment', '[a](#sec)', '<a href="#sec">a</a>'],
    ['a query', '[a](?page=2&tag=x)', '<a href="?page=2&amp;tag=x">a</a>'],
    ['an autolink', '<https://example.org>', `<a href="https://example.org" ${REL}>https://example.org</a>`],
    ['a bare URL', 'https://example.org', `<a href="https://example.org" ${REL}>https://example.org</a>`],
    ['a bare e-mail address', 'a@example.org', '<a href="mailto:a@example.org">a@example.org</a>'],
  ])('links %s, with rel="noopener noreferrer nofollow" only for http(s)', (_label, source, link) => {
    expect(htmlOf(source)).toBe(`<p>${link}</p>\n`);
  });

  it('links a reference-style link', () => {
    expect(htmlOf('[Read more][more]\n\n[more]: https://example.org/more')).toBe(
      `<p><a href="https://example.org/more" ${REL}>Read more</a></p>\n`,
    );
  });
});

describe('renderBody: images', () => {
  it.each([
    ['an https', '![alt](https://img.example/a.png)', '<img src="https://img.example/a.png" alt="alt" />'],
    ['an upper-case HTTPS', '![x](HTTPS://img.example/a.png)', '<img src="HTTPS://img.example/a.png" alt="x" />'],
    [
      'a title and an https',
      '![alt](https://img.example/a.png "T")',
      '<img src="https://img.example/a.png" alt="alt" title="T" />',
    ],
    // No scheme at all: an image of the site itself.
    ['a root-relative', '![alt](/local.png)', '<img src="/local.png" alt="alt" />'],
  ])('keeps an image with %s source', (_label, source, img) => {
    expect(htmlOf(source)).toBe(`<p>${img}</p>\n`);
  });

  it.each([
    ['http:', '![x](http://img.example/a.png)'],
    ['HTTP:', '![x](HTTP://img.example/a.png)'],
    ['mailto:', '![x](mailto:a@b.co)'],
    ['tel:', '![x](tel:123)'],
  ])('drops a %s source (a link scheme, not an image one)', (_label, source) => {
    expect(htmlOf(source)).toBe('<p><img alt="x" /></p>\n');
  });

  it.each([
    ['a data:', '![alt](data:image/png;base64,AAAA)'],
    ['a javascript:', '![alt](javascript:alert(1))'],
    ['a protocol-relative', '![x](//evil/x.png)'],
  ])('shows an image with %s source as text', (_label, source) => {
    expect(htmlOf(source)).toBe(`<p>${source}</p>\n`);
  });
});

describe('renderBody: vocabulary', () => {
  it('renders emphasis, strike-through and inline code', () => {
    expect(htmlOf('*em* **strong** ~~s~~ `code`')).toBe(
      '<p><em>em</em> <strong>strong</strong> <s>s</s> <code>code</code></p>\n',
    );
  });

  it('renders lists, keeping an ordered list’s start, and block quotes', () => {
    expect(htmlOf('> quote\n\n- item 1\n- item 2\n\n5. five\n6. six')).toBe(
      '<blockquote>\n<p>quote</p>\n</blockquote>\n<ul>\n<li>item 1</li>\n<li>item 2</li>\n</ul>\n' +
        '<ol start="5">\n<li>five</li>\n<li>six</li>\n</ol>\n',
    );
  });

  it('renders fenced code with its language class and indented code', () => {
    expect(htmlOf('```js\nconst x = 1 < 2;\n```\n\n    indented')).toBe(
      '<pre><code class="language-js">const x = 1 &lt; 2;\n</code></pre>\n<pre><code>indented\n</code></pre>\n',
    );
  });

  it('renders tables', () => {
    expect(htmlOf('|a|b|\n|-|-|\n|1|2|')).toBe(
      '<table>\n<thead>\n<tr>\n<th>a</th>\n<th>b</th>\n</tr>\n</thead>\n<tbody>\n<tr>\n<td>1</td>\n<td>2</td>\n</tr>\n</tbody>\n</table>\n',
    );
  });

  it('renders rules and typographic punctuation', () => {
    expect(htmlOf('"quotes" -- and... (c)\n\n---\n\nend')).toBe('<p>“quotes” – and… ©</p>\n<hr />\n<p>end</p>\n');
  });

  it('renders nothing for an empty body', () => {
    expect(renderBody('')).toEqual({ html: '', toc: [], text: '', wordCount: 0, readingTimeMinutes: 0, excerpt: '' });
    expect(renderBody(' \n\n\t ')).toEqual({
      html: '',
      toc: [],
      text: '',
      wordCount: 0,
      readingTimeMinutes: 0,
      excerpt: '',
    });
  });
});

describe('renderBody: headings', () => {
  it('gives h2 and h3 ids, lists them in the table of contents, and leaves other levels alone', () => {
    expect(renderBody('# Title\n\n## Getting started\n\n### First steps\n\n#### Detail\n\nSetext\n---')).toEqual({
      html:
        '<h1>Title</h1>\n<h2 id="getting-started">Getting started</h2>\n<h3 id="first-steps">First steps</h3>\n' +
        '<h4>Detail</h4>\n<h2 id="setext">Setext</h2>\n',
      toc: [
        { id: 'getting-started', text: 'Getting started', level: 2 },
        { id: 'first-steps', text: 'First steps', level: 3 },
        { id: 'setext', text: 'Setext', level: 2 },
      ],
      text: 'Title\n\nGetting started\n\nFirst steps\n\nDetail\n\nSetext',
      wordCount: 7,
      readingTimeMinutes: 1,
      excerpt: '',
    });
  });

  it('numbers repeated headings from -2, across h2 and h3', () => {
    const { html, toc } = renderBody('## Intro\n\n## Intro\n\n### Intro\n\n## Other');
    expect({ html, toc }).toEqual({
      html: '<h2 id="intro">Intro</h2>\n<h2 id="intro-2">Intro</h2>\n<h3 id="intro-3">Intro</h3>\n<h2 id="other">Other</h2>\n',
      toc: [
        { id: 'intro', text: 'Intro', level: 2 },
        { id: 'intro-2', text: 'Intro', level: 2 },
        { id: 'intro-3', text: 'Intro', level: 3 },
        { id: 'other', text: 'Other', level: 2 },
      ],
    });
  });

  it('transliterates ids and takes the text of inline markup', () => {
    expect(renderBody('## Ça va? Überall\n\n## `code` and *emphasis*').toc).toEqual([
      { id: 'ca-va-ueberall', text: 'Ça va? Überall', level: 2 },
      { id: 'code-and-emphasis', text: 'code and emphasis', level: 2 },
    ]);
  });

  it('falls back to "section" for a heading without letters or digits', () => {
    expect(renderBody('## ***').toc).toEqual([{ id: 'section', text: '***', level: 2 }]);
  });

  it('gives the same ids every time the same body is rendered', () => {
    const body = '## A\n\n## A\n\n### B\n\n## A';
    expect(renderBody(body)).toEqual(renderBody(body));
    expect(renderBody(body).toc.map((e) => e.id)).toEqual(['a', 'a-2', 'b', 'a-3']);
  });
});

describe('renderBody: text, word count and reading time', () => {
  it('extracts the reader’s text: blocks separated by a blank line, code included, images left out', () => {
    expect(
      renderBody(
        '## Start\n\nOne *two*\nthree [four](https://x.org) ![image](https://x.org/i.png)\n\n- five\n- six\n\n```\nseven();\n```',
      ),
    ).toEqual({
      html:
        '<h2 id="start">Start</h2>\n' +
        `<p>One <em>two</em>\nthree <a href="https://x.org" ${REL}>four</a> <img src="https://x.org/i.png" alt="image" /></p>\n` +
        '<ul>\n<li>five</li>\n<li>six</li>\n</ul>\n<pre><code>seven();\n</code></pre>\n',
      toc: [{ id: 'start', text: 'Start', level: 2 }],
      text: 'Start\n\nOne two three four\n\nfive\n\nsix\n\nseven();',
      wordCount: 8,
      readingTimeMinutes: 1,
      excerpt: 'One two three four',
    });
  });

  it('counts contractions and hyphenated words once, and punctuation not at all', () => {
    expect(renderBody("It's well-being — don't panic! 24/7, 3.5 ...").wordCount).toBe(8);
  });

  it('counts words of any script', () => {
    expect(renderBody('Grüße aus Zürich, ça va').wordCount).toBe(5);
  });

  it.each([
    [1, 1],
    [WORDS_PER_MINUTE, 1],
    [WORDS_PER_MINUTE * 1.5 - 1, 1],
    [WORDS_PER_MINUTE * 1.5, 2],
    [WORDS_PER_MINUTE * 3, 3],
  ])('reads %i words in %i minutes', (count, minutes) => {
    const rendered = renderBody(words(count));
    expect({ wordCount: rendered.wordCount, readingTimeMinutes: rendered.readingTimeMinutes }).toEqual({
      wordCount: count,
      readingTimeMinutes: minutes,
    });
  });

  it('has no reading time without words', () => {
    expect(renderBody('![only an image](https://x.org/i.png)\n\n---').readingTimeMinutes).toBe(0);
  });
});

describe('renderBody: excerpt', () => {
  it('is the lead paragraphs before the first heading', () => {
    expect(renderBody('Lead one.\n\nLead\ntwo.\n\n## Heading\n\nAfter.').excerpt).toBe('Lead one. Lead two.');
  });

  it('is the paragraphs after the first heading when the body starts with one', () => {
    expect(renderBody('## A\n\np1\n\np2\n\n## B\n\np3').excerpt).toBe('p1 p2');
    expect(renderBody('# Title\n\nintro').excerpt).toBe('intro');
  });

  it('leaves out paragraphs inside lists and quotes, and code', () => {
    expect(renderBody('- item\n\n> quoted\n\n```\ncode\n```\n\nplain').excerpt).toBe('plain');
  });

  it('is empty without paragraphs', () => {
    expect(renderBody('## Only a heading\n\n- a list').excerpt).toBe('');
  });

  it('is cut to 300 characters at a word boundary, with an ellipsis', () => {
    const excerpt = renderBody(`${words(80, 'calm')}\n\n${words(80, 'breath')}`).excerpt;
    // 60 words of 4 letters take 299 characters: the cut (299, leaving room for the ellipsis) falls on a word
    // boundary, so all 60 stay.
    expect(excerpt).toBe(`${words(60, 'calm')}…`);
    expect(excerpt.length).toBeLessThanOrEqual(DERIVED_EXCERPT_LENGTH);
  });

  it('stops collecting paragraphs once it has 300 characters', () => {
    const long = words(61, 'abcd'); // 304 characters
    expect(renderBody(`${long}\n\nsecond paragraph`).excerpt).toBe(truncateWords(long, DERIVED_EXCERPT_LENGTH));
  });

  it('keeps a lead of exactly 300 characters whole', () => {
    const exact = `${words(59, 'abcd')} abcde`; // 294 + 6 characters
    expect(exact.length).toBe(300);
    expect(renderBody(exact).excerpt).toBe(exact);
  });
});

describe('truncateWords', () => {
  it.each([
    ['short text', 'Hello world', 20, 'Hello world'],
    ['text of exactly the maximum', 'Hello world', 11, 'Hello world'],
    ['runs of white space', '  Hello \n\n\t world  ', 20, 'Hello world'],
    ['white space beyond the maximum that collapses within it', 'a          b', 3, 'a b'],
    ['an empty string', '', 5, ''],
  ])('keeps %s', (_label, text, max, expected) => {
    expect(truncateWords(text, max)).toBe(expected);
  });

  it.each([
    ['at the last word boundary', 'one two three four', 12, 'one two…'],
    ['removing punctuation before the ellipsis', 'Hello, world, again', 14, 'Hello, world…'],
    ['removing a trailing full stop', 'First sentence. Second one', 18, 'First sentence…'],
    ['after a word that ends right before the ellipsis', 'aaaa bbbb cccc', 10, 'aaaa bbbb…'],
    ['in the middle of a word too long to cut after', 'a'.repeat(20), 10, `${'a'.repeat(9)}…`],
    ['in a word when the last boundary is in the first half', `ab ${'c'.repeat(20)}`, 10, 'ab cccccc…'],
  ])('cuts %s', (_label, text, max, expected) => {
    expect(truncateWords(text, max)).toBe(expected);
  });

  it('never returns more than the maximum, and a cut text is a prefix of the flattened one', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 400 }), fc.integer({ min: 2, max: 320 }), (text, max) => {
        const result = truncateWords(text, max);
        const flat = text.replace(/\s+/g, ' ').trim();
        expect(result.length).toBeLessThanOrEqual(max);
        if (flat.length <= max) expect(result).toBe(flat);
        else {
          expect(result.endsWith('…')).toBe(true);
          expect(flat.startsWith(result.slice(0, -1))).toBe(true);
        }
      }),
      { numRuns: NUM_RUNS },
    );
  });
});

describe('readingTimeMinutes', () => {
  it.each([
    [0, 0],
    [1, 1],
    [114, 1],
    [230, 1],
    [344, 1],
    [345, 2],
    [460, 2],
    [2300, 10],
  ])('%i words take %i minutes', (count, minutes) => {
    expect(readingTimeMinutes(count)).toBe(minutes);
  });
});

/** Every start tag in rendered HTML (text never contains a raw `<`: it is escaped). */
const TAG = /<[a-zA-Z][^>]*>/g;
const ATTRIBUTE = /\s([^\s"'>/=]+)(?:="([^"]*)")?/g;

function decodeAttribute(value: string): string {
  return value
    .replace(/&#x([0-9a-f]+);?/gi, (_, hex: string) => String.fromCodePoint(parseInt(hex, 16)))
    .replace(/&#(\d+);?/g, (_, dec: string) => String.fromCodePoint(Number(dec)))
    .replace(/&colon;/gi, ':')
    .replace(/&tab;/gi, '\t')
    .replace(/&newline;/gi, '\n')
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/** Schemes a rendered attribute may resolve to (relative URLs resolve to the page's https:). */
const PAGE_SCHEMES: Record<string, string[]> = {
  href: ['http:', 'https:', 'mailto:', 'tel:', 'invalid'],
  src: ['https:', 'invalid'],
};

function browserScheme(url: string): string {
  try {
    return new URL(url, 'https://clinic.example/articles/a').protocol;
  } catch {
    return 'invalid'; // a browser does not follow a URL it cannot parse
  }
}

function expectSafe(html: string): void {
  expect(html.toLowerCase()).not.toContain('<script');
  for (const [tag] of html.matchAll(TAG)) {
    // Outside quoted values (a title may well contain " onclick=" as text).
    expect(tag.replace(/"[^"]*"/g, '""')).not.toMatch(/\son\w+=/i);
    for (const [, name, value = ''] of tag.matchAll(ATTRIBUTE)) {
      expect(name.toLowerCase()).not.toMatch(/^on/);
      if (name !== 'href' && name !== 'src') continue;
      // What a browser would navigate to: entities decoded, then the WHATWG URL parser (which drops
      // tabs, new lines and leading control characters) against a page URL. Only the scheme matters:
      // "https://x#javascript:" is an https link.
      expect(PAGE_SCHEMES[name]).toContain(browserScheme(decodeAttribute(value)));
    }
  }
}

/** Pieces that make links, images, raw HTML and obfuscated schemes likely. */
const FRAGMENTS = [
  '[',
  ']',
  '(',
  ')',
  '![',
  '<',
  '>',
  '"',
  "'",
  ' ',
  '\t',
  '\n',
  '\n\n',
  '## ',
  '`',
  '*',
  '\\',
  '&',
  '#',
  ';',
  ':',
  '//',
  'a',
  'x.org',
  'javascript:',
  'JaVaScRiPt:',
  'java\tscript:',
  'java&#9;script:',
  '&#106;avascript:',
  'javascript&colon;',
  'vbscript:',
  'data:text/html,',
  'https://',
  'http://',
  'mailto:',
  'alert(1)',
  'script',
  '<script>',
  ' onerror=',
  ' onclick="x"',
  '<img src=x onerror=alert(1)>',
  '<a href="javascript:alert(1)">',
  '\u0001',
  '\u0000',
];

const markdownish = fc.array(fc.constantFrom(...FRAGMENTS), { maxLength: 40 }).map((parts) => parts.join(''));

describe('the safety check used by the properties', () => {
  it.each([
    ['a script element', '<p><script>x</script></p>'],
    ['an event handler', '<img src="https://x.org/a.png" onerror="x">'],
    ['a javascript: link', '<a href="javascript:alert(1)">a</a>'],
    ['an entity-encoded javascript: link', '<a href="&#106;ava&#9;script&colon;alert(1)">a</a>'],
    ['a leading control character', '<a href="\u0001javascript:x">a</a>'],
    ['a data: image', '<img src="data:image/svg+xml,x">'],
    ['a mailto: image', '<img src="mailto:x@x.org">'],
  ])('rejects %s', (_label, html) => {
    expect(() => expectSafe(html)).toThrow();
  });

  it('accepts a fragment that only looks like a scheme (CI once found "https://script#JaVaScRiPt:")', () => {
    const html = htmlOf('https://script#JaVaScRiPt:');
    expect(html).toBe(`<p><a href="https://script#JaVaScRiPt:" ${REL}>https://script#JaVaScRiPt:</a></p>\n`);
    expect(() => expectSafe(html)).not.toThrow();
  });
});

describe('renderBody properties', () => {
  it('never emits script elements, event handler attributes or javascript: URLs, for any string', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (source) => expectSafe(renderBody(source).html)),
      { numRuns: NUM_RUNS },
    );
  });

  it('never emits them for strings built from link, image and HTML syntax', () => {
    fc.assert(
      fc.property(markdownish, (source) => expectSafe(renderBody(source).html)),
      { numRuns: NUM_RUNS * 3 },
    );
  });

  it('gives every heading in the table of contents its id in the HTML', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(fc.constantFrom('##', '###'), fc.constantFrom('Intro', 'Sleep', 'Ça va', 'Übung', 'Next steps')),
          {
            maxLength: 8,
          },
        ),
        (headings) => {
          const { html, toc } = renderBody(headings.map(([marks, text]) => `${marks} ${text}`).join('\n\n'));
          expect(toc.map((e) => e.text)).toEqual(headings.map(([, text]) => text));
          expect(new Set(toc.map((e) => e.id)).size).toBe(toc.length);
          for (const entry of toc) expect(html).toContain(`id="${entry.id}"`);
        },
      ),
      { numRuns: NUM_RUNS },
    );
  });
});
