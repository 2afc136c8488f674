/** What a template may show: strings, or null/undefined/false for "absent" (a section that is not rendered). */
export type TemplateValues = Readonly<Record<string, string | null | undefined | false>>;

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]);
}

const SECTION = /\{\{([#^])([a-zA-Z][a-zA-Z0-9]*)\}\}([\s\S]*?)\{\{\/\2\}\}/g;
const VARIABLE = /\{\{([a-zA-Z][a-zA-Z0-9]*)\}\}/g;

/**
 * A deliberately tiny subset of Mustache: `{{name}}` inserts a value (HTML-escaped for `html`), `{{#name}}…{{/name}}`
 * keeps its content when the value is present and non-empty, `{{^name}}…{{/name}}` when it is not. Sections do not
 * nest. A name the values do not define is an error, so a typo fails the tests instead of sending a blank.
 * Values are inserted once, never re-read as template text.
 */
export function renderTemplate(template: string, values: TemplateValues, mode: 'text' | 'html'): string {
  const known = (name: string): string | null | undefined | false => {
    if (!Object.hasOwn(values, name)) throw new Error(`template value "${name}" is not defined`);
    return values[name];
  };
  const sectioned = template.replace(SECTION, (_, kind: string, name: string, body: string) => {
    const value = known(name);
    const present = typeof value === 'string' && value !== '';
    return (kind === '#') === present ? body : '';
  });
  return sectioned.replace(VARIABLE, (_, name: string) => {
    const value = known(name);
    const text = typeof value === 'string' ? value : '';
    return mode === 'html' ? escapeHtml(text) : text;
  });
}
