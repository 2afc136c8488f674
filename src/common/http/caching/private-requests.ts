/**
 * Query parameters that make a request private: a draft preview (`?preview=<token>`) answers what its token allows, so
 * it is never answered from the response cache, never stored in it, and sent `no-store`. Such a request touches no
 * entry: the published article's stays cached for everyone else.
 */
const PRIVATE_PARAMETERS = ['preview'];

/** For the router-less fast path (cacheHitResponder): whether the raw URL's query names a private parameter. */
export function isPrivateUrl(url: string): boolean {
  const start = url.indexOf('?');
  if (start === -1) return false;
  const search = url.slice(start + 1);
  // Cheap for the common case; anything that may spell a name in escapes (`%70review`) is parsed as the router would.
  if (!search.includes('%') && !PRIVATE_PARAMETERS.some((name) => search.includes(name))) return false;
  const params = new URLSearchParams(search);
  return PRIVATE_PARAMETERS.some((name) => params.has(name));
}

/** For routed requests: whether the parsed query has a private parameter. */
export function isPrivateQuery(query: unknown): boolean {
  return (
    query !== null &&
    typeof query === 'object' &&
    PRIVATE_PARAMETERS.some((name) => Object.prototype.hasOwnProperty.call(query, name))
  );
}
