import { escapeHtml, renderTemplate } from './template.js';

describe('renderTemplate', () => {
  it('inserts values, HTML-escaped in HTML only', () => {
    const values = { name: `<b>"O'Hara" & co</b>` };
    expect(renderTemplate('Hi {{name}}!', values, 'text')).toBe(`Hi <b>"O'Hara" & co</b>!`);
    expect(renderTemplate('<p>Hi {{name}}!</p>', values, 'html')).toBe(
      '<p>Hi &lt;b&gt;&quot;O&#39;Hara&quot; &amp; co&lt;/b&gt;!</p>',
    );
  });

  it('keeps a section when its value is present, an inverted one when it is not', () => {
    const template = '{{#link}}Open {{link}}.{{/link}}{{^link}}No link.{{/link}}';
    expect(renderTemplate(template, { link: 'https://staff.example/x' }, 'text')).toBe('Open https://staff.example/x.');
    for (const absent of [null, undefined, false as const, '']) {
      expect(renderTemplate(template, { link: absent }, 'text')).toBe('No link.');
    }
  });

  it('never reads a value as template text', () => {
    expect(renderTemplate('{{a}}', { a: '{{b}}', b: 'secret' }, 'text')).toBe('{{b}}');
    expect(renderTemplate('{{#a}}{{a}}{{/a}}', { a: '{{#b}}x{{/b}}', b: 'y' }, 'html')).toBe('{{#b}}x{{/b}}');
  });

  it('refuses a name it was not given', () => {
    expect(() => renderTemplate('Hi {{nmae}}', { name: 'x' }, 'text')).toThrow('template value "nmae" is not defined');
    expect(() => renderTemplate('{{#lnk}}x{{/lnk}}', {}, 'html')).toThrow('"lnk"');
  });

  it('does not treat inherited properties as values', () => {
    expect(() => renderTemplate('{{constructor}}', {}, 'text')).toThrow('not defined');
  });
});

describe('escapeHtml', () => {
  it('escapes the five characters that matter in text and attributes', () => {
    expect(escapeHtml(`&<>"'x`)).toBe('&amp;&lt;&gt;&quot;&#39;x');
  });
});
