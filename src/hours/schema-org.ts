import { scriptSafeJson } from '../common/http/script-safe-json.js';
import type { HoursException } from './hours-exception.entity.js';
import type { HoursSchedule } from './hours-schedule.entity.js';

const dayUrl = (day: string) => `https://schema.org/${day.charAt(0).toUpperCase()}${day.slice(1)}`;
/** schema.org has no 24:00: the end of the day is written 23:59. */
const schemaTime = (time: string) => (time === '24:00' ? '23:59' : time);

/**
 * The schedule as schema.org `OpeningHoursSpecification`s: the weekly periods grouped by identical hours,
 * then one entry per upcoming exception with `validFrom`/`validThrough` (closed days as 00:00–00:00, the
 * convention search engines read as "closed").
 */
export function openingHoursSpecification(
  schedule: Pick<HoursSchedule, 'periods'>,
  exceptions: HoursException[],
): Record<string, unknown>[] {
  const byHours = new Map<string, string[]>();
  for (const { day, opens, closes } of schedule.periods) {
    const hours = `${opens}-${closes}`;
    byHours.set(hours, [...(byHours.get(hours) ?? []), dayUrl(day)]);
  }
  const weekly = [...byHours].map(([hours, days]) => {
    const [opens, closes] = hours.split('-');
    return { '@type': 'OpeningHoursSpecification', dayOfWeek: days, opens, closes: schemaTime(closes) };
  });
  const special = exceptions.flatMap((e) => {
    const validity = { validFrom: e.startDate, validThrough: e.endDate, description: e.label };
    return e.closed
      ? [{ '@type': 'OpeningHoursSpecification', ...validity, opens: '00:00', closes: '00:00' }]
      : e.periods.map((p) => ({
          '@type': 'OpeningHoursSpecification',
          ...validity,
          opens: p.opens,
          closes: schemaTime(p.closes),
        }));
  });
  return [...weekly, ...special];
}

/** The schedule alone as a `MedicalClinic` with its opening hours (a location adds its address: see locations). */
export function openingHoursJsonLd(schedule: HoursSchedule, exceptions: HoursException[]): Record<string, unknown> {
  return {
    '@context': 'https://schema.org',
    '@type': 'MedicalClinic',
    name: schedule.name,
    ...(schedule.description ? { description: schedule.description } : {}),
    openingHoursSpecification: openingHoursSpecification(schedule, exceptions),
  };
}

/** The JSON-LD as served: text that can go verbatim into `<script type="application/ld+json">`. */
export function openingHoursJsonLdScript(schedule: HoursSchedule, exceptions: HoursException[]): string {
  return scriptSafeJson(openingHoursJsonLd(schedule, exceptions));
}
