/**
 * The committed form of the OpenAPI document: every object's keys sorted (paths included), arrays kept in
 * order, two-space indent and a final newline, so two exports of the same API are byte-identical and a
 * review diff shows only what changed.
 */
export function sortKeysDeep<T>(value: T): T {
  if (Array.isArray(value)) return value.map((item: unknown) => sortKeysDeep(item)) as T;
  if (value === null || typeof value !== 'object') return value;
  const sorted: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) sorted[key] = sortKeysDeep((value as Record<string, unknown>)[key]);
  return sorted as T;
}

export function serializeOpenApiDocument(document: object): string {
  return `${JSON.stringify(sortKeysDeep(document), null, 2)}\n`;
}
