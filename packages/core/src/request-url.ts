/**
 * The path and query of a request URL without a full `URL` parse, which is a measurable share of
 * an invoke's cost. A server's requests arrive as `http://host[:port]/path[?query]`.
 */

const NO_QUERY = new URLSearchParams();

function pathBounds(href: string): [start: number, end: number] {
  const start = href.indexOf("/", href.indexOf("//") + 2);
  if (start < 0) return [-1, -1];
  const queryAt = href.indexOf("?", start);
  return [start, queryAt < 0 ? href.length : queryAt];
}

/** The pathname, still percent-encoded (`/` when the URL has none). */
export function pathnameOf(href: string): string {
  const [start, end] = pathBounds(href);
  return start < 0 ? "/" : href.slice(start, end);
}

/** The pathname and the parsed query (an empty, shared one when there is no query: read only). */
export function splitUrl(href: string): { pathname: string; searchParams: URLSearchParams } {
  const [start, end] = pathBounds(href);
  if (start < 0) return { pathname: "/", searchParams: NO_QUERY };
  return {
    pathname: href.slice(start, end),
    searchParams: end < href.length ? new URLSearchParams(href.slice(end + 1)) : NO_QUERY,
  };
}
