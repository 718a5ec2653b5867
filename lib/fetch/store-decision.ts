import type { LoadContext } from '../index.js'
import { type CacheDirectives, parseCacheControl } from './cache-control.js'
import {
  type Exchange,
  freshnessOf,
  type HttpFreshness,
  keepSeconds,
  type StaleDefaults,
} from './freshness.js'
import { validatorsOf } from './revalidation.js'
import { isReplayable } from './snapshot.js'

/** Which responses the fetch layer may store, as `cachedFetch` options set them. */
export interface StoreRules {
  /** Whether the status (and anything else about the response) allows storing it. */
  cacheable: (response: Response) => boolean
  /** Whether `max-age`, `Age`, `Expires` and `no-cache` apply. */
  respectCacheControl: boolean
  /** The request headers the key holds (lower-case): a response may vary on those alone. */
  vary: readonly string[]
  /** The cache's `ttl`: the lifetime of a response that states none. */
  defaultTtl: number | null
  /** The stale windows the cache grants by default. */
  stale: StaleDefaults
}

/** What {@link decideStore} decides: the loader context, and the freshness the snapshot keeps. */
export interface StoreDecision {
  context: LoadContext
  /** Set when the HTTP caching rules apply (`respectCacheControl`) and the response is stored. */
  freshness?: HttpFreshness
}

const NOT_STORED: StoreDecision = { context: { store: false } }

/**
 * Statuses a cache may store without explicit freshness, their lifetime then a heuristic
 * (RFC 9110 section 15.1); 206 is among them, but this cache stores no parts.
 */
const HEURISTICALLY_CACHEABLE = new Set([
  200, 203, 204, 206, 300, 301, 308, 404, 405, 410, 414, 501,
])

/**
 * Whether RFC 9111 section 3 lets a private cache store the response: it has a status that is
 * cacheable by default, or it says so itself with `max-age`, `Expires`, `public` or `private`
 * (`s-maxage` speaks to shared caches only). A 202 or a 201 without them is not stored.
 */
function storable(response: Response, directives: CacheDirectives): boolean {
  return (
    HEURISTICALLY_CACHEABLE.has(response.status) ||
    directives.has('max-age') ||
    directives.has('public') ||
    directives.has('private') ||
    response.headers.has('expires')
  )
}

/**
 * Request headers a response may vary on and still be stored though the key does not hold them:
 * the browser decodes the body whatever `Accept-Encoding` was, and `Origin` is the same for
 * every request of one page.
 */
const VARY_HARMLESS = new Set(['accept-encoding', 'origin'])

/**
 * The request headers a response's `Vary` names (lower-case) that the key does not hold, and
 * that are not harmless: a response naming any is never stored, as it could be served to a
 * request it was not made for. `*` is kept as a name, and `Cookie` always counts: scripts
 * cannot see the cookies a request carries, so no key can hold them.
 */
export function varyOutsideKey(response: Response, vary: readonly string[]): string[] {
  const header = response.headers.get('vary')
  if (header === null) return []
  const outside: string[] = []
  for (const raw of header.split(',')) {
    const name = raw.trim().toLowerCase()
    if (name === '' || VARY_HARMLESS.has(name)) continue
    if (name === '*' || name === 'cookie' || !vary.includes(name)) outside.push(name)
  }
  return outside
}

/**
 * Whether two requests agree on the varied header `names` (RFC 9111 section 4.1), so that a
 * response to one may answer the other; `*` (or `Cookie`, which scripts cannot compare) never
 * agrees.
 */
export function agreeOn(
  names: readonly string[],
  a: Headers | undefined,
  b: Headers | undefined,
): boolean {
  return names.every(
    (name) =>
      name !== '*' && name !== 'cookie' && (a?.get(name) ?? null) === (b?.get(name) ?? null),
  )
}

/** Whether the media type (parameters aside, case-insensitive) is `text/event-stream`. */
function isEventStream(response: Response): boolean {
  const type = response.headers.get('content-type')?.split(';')[0]
  return type?.trim().toLowerCase() === 'text/event-stream'
}

/**
 * Decides from the status and headers alone (the body is left unread) whether a private cache
 * may store a response (RFC 9111 section 3), and for how long the cache keeps it. In this order:
 * 1. an opaque or other status-0 response cannot be rebuilt, so it is never stored;
 * 2. a 206 partial response, an event stream (its body never ends, and each read is live), a
 *    response with `Cache-Control: no-store`, and one whose `Vary` names a request header the
 *    key does not hold (see `varyOutsideKey`: it could be served to another user) are never
 *    stored, whatever `cacheable` says, even with `respectCacheControl: false`;
 * 3. `rules.cacheable` must accept it (by default: a 2xx status);
 * 4. without `respectCacheControl` it lives for the cache's `ttl` (`context: {}`);
 * 5. otherwise it must be storable by RFC 9111 section 3 (see `storable`: a status cacheable by
 *    default, or explicit freshness, `public` or `private`), and its freshness is worked out (see `freshnessOf`). One with a validator (`ETag`,
 *    `Last-Modified`) is kept until evicted, `no-cache` or already stale included, to be
 *    revalidated; one without is kept until its last stale window closes, and not stored when
 *    that is now (`no-cache`, `max-age=0`, an invalid `Expires`...).
 */
export function decideStore(
  response: Response,
  rules: StoreRules,
  exchange: Exchange,
): StoreDecision {
  if (!isReplayable(response)) return NOT_STORED
  // A part of a body must never stand in for the whole: this cache does not combine ranges.
  if (response.status === 206 || isEventStream(response)) return NOT_STORED
  const directives = parseCacheControl(response.headers.get('cache-control'))
  if (directives.has('no-store') || varyOutsideKey(response, rules.vary).length > 0) {
    return NOT_STORED
  }
  if (!rules.cacheable(response)) return NOT_STORED
  if (!rules.respectCacheControl) return { context: {} }
  if (!storable(response, directives)) return NOT_STORED
  const validatable = validatorsOf(response.headers) !== undefined
  const freshness = freshnessOf(
    response.headers,
    directives,
    exchange,
    rules.defaultTtl,
    validatable,
  )
  const ttl = keepSeconds(freshness, exchange.responseTime, rules.stale)
  if (ttl !== null && ttl <= 0) return NOT_STORED
  return { context: { ttl }, freshness }
}
