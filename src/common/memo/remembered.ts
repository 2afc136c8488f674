/**
 * `compute` (a pure function) with its answers remembered by `keyOf` of the arguments, up to `kept` of them: when
 * that many are kept, all are forgotten at once. Cheaper per call than a least-recently-used cache's bookkeeping, for
 * callers that ask for a small working set again and again (local times of a schedule, reply texts).
 */
export function remembered<A extends unknown[], R>(
  kept: number,
  keyOf: (...args: A) => string,
  compute: (...args: A) => R,
): (...args: A) => R {
  const answers = new Map<string, R>();
  return (...args: A): R => {
    const key = keyOf(...args);
    if (answers.has(key)) return answers.get(key) as R;
    const answer = compute(...args);
    if (answers.size >= kept) answers.clear();
    answers.set(key, answer);
    return answer;
  };
}
