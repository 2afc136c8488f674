/**
 * `Promise.all(items.map(work))` with at most `limit` of them running at once, answers in the items' order. `work`
 * must not throw (each outbox attempt resolves with its outcome); a rejection rejects the whole, as `Promise.all`.
 */
export async function mapLimited<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
