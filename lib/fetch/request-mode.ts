import { deltaSeconds, parseCacheControl } from './cache-control.js'
import { isConditional } from './revalidation.js'

/**
 * The cache mode a request asks for: its `cache` option or, left at `'default'`, what its own
 * headers ask of a cache (RFC 9111 sections 5.2.1 and 5.4): `Cache-Control: only-if-cached`
 * is `'only-if-cached'` (even beside `no-store`: the network must not be asked),
 * `Cache-Control: no-store` is `'no-store'`, and `Cache-Control: no-cache`, `Cache-Control:
 * max-age=0` (no response older than now: what a browser's reload sends) or `Pragma: no-cache`
 * is `'no-cache'`. A mode set explicitly wins, as it states the caller's intent for this very
 * call.
 */
export function cacheModeOf(
  mode: RequestCache | undefined,
  headers: Headers | undefined,
): RequestCache | undefined {
  if ((mode !== undefined && mode !== 'default') || headers === undefined) return mode
  const directives = parseCacheControl(headers.get('cache-control'))
  if (directives.has('only-if-cached')) return 'only-if-cached'
  if (directives.has('no-store')) return 'no-store'
  // Pragma's directives share Cache-Control's syntax.
  if (
    directives.has('no-cache') ||
    deltaSeconds(directives.get('max-age')) === 0 ||
    parseCacheControl(headers.get('pragma')).has('no-cache')
  ) {
    return 'no-cache'
  }
  return mode
}

/**
 * Whether a GET or HEAD goes to the network untouched, neither served from the cache nor
 * stored: one with its own conditional headers (its answer, a 304 or a 412, is the caller's
 * business), or with a `Range` (this cache stores no parts of a body, and a part must not reach
 * the callers of the whole who would join its load: RFC 9111 section 3.4).
 */
export function bypassesCache(headers: Headers | undefined): boolean {
  return headers !== undefined && (headers.has('range') || isConditional(headers))
}
