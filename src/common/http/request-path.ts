/** The path of a request URL without its query string (query strings can carry personal data). */
export function requestPath(url: string): string {
  const q = url.indexOf('?');
  return q === -1 ? url : url.slice(0, q);
}
