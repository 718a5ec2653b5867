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
 * A non-negative integer number of seconds (RFC 9111 section 1.2.2), capped at 2^31, or
 * `undefined` if invalid (`-1`, `1.5`, `soon`, a directive given without a value).
 */
export function deltaSeconds(value: string | true | null | undefined): number | undefined {
  if (typeof value !== 'string' || !/^\d+$/.test(value)) return undefined
  return Math.min(Number(value), MAX_DELTA_SECONDS)
}
