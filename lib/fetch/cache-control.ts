/** The directives of a `Cache-Control` header: lower-case names, each with its value or `true`. */
export type CacheDirectives = Map<string, string | true>

/** A directive name, then optionally `=` and a quoted string (which may hold commas) or a token. */
const DIRECTIVE = /([^\s=,"]+)(?:\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,"]*)))?/g

/** Delta-seconds are capped here, as RFC 9111 section 1.2.2 allows. */
const MAX_DELTA_SECONDS = 2 ** 31

/**
 * Parses a `Cache-Control` header value (RFC 9111 section 5.2). Names are case-insensitive and
 * the first occurrence of a directive wins (section 4.2.1); quoted values are unescaped.
 */
export function parseCacheControl(value: string | null): CacheDirectives {
  const directives: CacheDirectives = new Map()
  if (value === null) return directives
  for (const [, name, quoted, token] of value.matchAll(DIRECTIVE)) {
    const key = (name as string).toLowerCase()
    if (directives.has(key)) continue
    const argument = quoted === undefined ? token : quoted.replace(/\\(.)/g, '$1')
    directives.set(key, argument ?? true)
  }
  return directives
}

/**
 * How many seconds a response stays fresh from now in a private cache: its freshness lifetime
 * (`max-age`, else `Expires` minus `Date`; RFC 9111 section 4.2.1) minus its `Age`. `s-maxage`
 * is for shared caches and is ignored. Zero or less means already stale: an invalid `max-age`
 * or `Expires` (such as `Expires: 0`) counts as stale, as section 5.3 asks. `undefined` when the
 * response states no lifetime; no heuristic freshness is guessed.
 */
export function freshSeconds(headers: Headers, directives: CacheDirectives): number | undefined {
  const age = deltaSeconds(headers.get('age')) ?? 0
  const maxAge = directives.get('max-age')
  if (maxAge !== undefined) return (deltaSeconds(maxAge) ?? 0) - age
  const expires = headers.get('expires')
  if (expires === null) return undefined
  const expiresAt = Date.parse(expires)
  if (Number.isNaN(expiresAt)) return 0
  // Expires minus the server's own Date, so that a skewed local clock does not matter.
  const date = Date.parse(headers.get('date') ?? '')
  return (expiresAt - (Number.isNaN(date) ? Date.now() : date)) / 1000 - age
}

/** A non-negative integer number of seconds (RFC 9111 section 1.2.2), or `undefined` if invalid. */
function deltaSeconds(value: string | true | null): number | undefined {
  if (typeof value !== 'string' || !/^\d+$/.test(value)) return undefined
  return Math.min(Number(value), MAX_DELTA_SECONDS)
}
