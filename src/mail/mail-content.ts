import { readFileSync } from 'node:fs';
import { DateTime } from 'luxon';
import { MAIL_KINDS, type MailKind } from './mail-message.entity.js';
import { renderTemplate, type TemplateValues } from './template.js';

export interface MailContent {
  subject: string;
  text: string;
  html: string;
}

interface Template {
  subject: string;
  text: string;
  html: string;
}

export type MailTemplates = Readonly<Record<MailKind, Template>>;

const TEMPLATES_DIR = new URL('./templates/', import.meta.url);

/** Reads every template once (at startup: a missing file stops the boot, not a send). */
export function loadMailTemplates(dir: URL = TEMPLATES_DIR): MailTemplates {
  const read = (name: string) => readFileSync(new URL(name, dir), 'utf8');
  return Object.fromEntries(
    MAIL_KINDS.map((kind) => {
      const [first, ...rest] = read(`${kind}.txt`).split('\n');
      const match = /^Subject: (.+)$/.exec(first);
      if (!match || rest[0] !== '')
        throw new Error(`templates/${kind}.txt must start with "Subject: …" and a blank line`);
      return [kind, { subject: match[1], text: rest.slice(1).join('\n'), html: read(`${kind}.html`) }];
    }),
  ) as unknown as MailTemplates;
}

export function renderMail(templates: MailTemplates, kind: MailKind, values: TemplateValues): MailContent {
  const template = templates[kind];
  return {
    // A header: line breaks in it would end it.
    subject: renderTemplate(template.subject, values, 'text').replace(/[\r\n]+/g, ' '),
    text: renderTemplate(template.text, values, 'text'),
    html: renderTemplate(template.html, values, 'html'),
  };
}

/**
 * A staff notice's reply time: `10:00 (America/New_York)` on the day it is read (`now` in that zone), else with the
 * date, `Wed, Nov 4, 10:00 (America/New_York)`. 24-hour, like the API's times of day.
 */
export function staffTime(at: Date, now: Date, timeZone: string): string {
  const local = DateTime.fromJSDate(at, { zone: timeZone }).setLocale('en-US');
  const sameDay = local.hasSame(DateTime.fromJSDate(now, { zone: timeZone }), 'day');
  return `${local.toFormat(sameDay ? 'HH:mm' : 'ccc, LLL d, HH:mm')} (${timeZone})`;
}

/** The person's reply time, whenever they read it: `Tuesday, November 3, 10:00 AM EST`. */
export function requesterTime(at: Date, timeZone: string): string {
  return DateTime.fromJSDate(at, { zone: timeZone }).setLocale('en-US').toFormat('cccc, LLLL d, h:mm a ZZZZ');
}
