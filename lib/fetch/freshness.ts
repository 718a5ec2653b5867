import { type CacheDirectives, deltaSeconds } from './cache-control.js'
import { parseHttpDate } from './http-date.js'

/**
 * What the HTTP caching rules need to know of a stored response, worked out once when it is
 * stored (or freshened by a 304) and kept in its snapshot: plain numbers, so that it persists
 * as it is and a hit reads one of them.
 */
export interface HttpFreshness {
  /**
   * When the response turns stale, on the cache's clock (ms): its arrival plus its freshness
   * lifetime minus its age (RFC 9111 sections 4.2.1 and 4.2.3). `Infinity` for never.
   */
  staleAt: number
  /** The response's own `stale-while-revalidate` seconds (RFC 5861 section 3); 0 without. */
  staleWhileRevalidate: number
  /** The response's own `stale-if-error` seconds (RFC 5861 section 4); absent without. */
  staleIfError?: number
  /** `must-revalidate` or `no-cache`: never served stale (RFC 9111 sections 4.2.4, 5.2.2.2). */
  mustRevalidate: boolean
  /** It has an `ETag` or a valid `Last-Modified`: once stale it can still be revalidated. */
  validatable: boolean
}

/** One request and its response, on the cache's clock (ms): what the age calculation needs. */
export interface Exchange {
  requestTime: number
  responseTime: number
}

/**
 * Stale windows the cache grants responses that do not forbid them: the cache's
 * `staleWhileRevalidate` and the fetch layer's `staleIfError`, in ms.
 */
export interface StaleDefaults {
  whileRevalidateMs: number
  ifErrorMs: number
}

/** How a stored response may answer a request now. */
export type Use = 'fresh' | 'stale' | 'revalidate'

/**
 * The freshness of a response that arrived in `exchange`. Its lifetime is `max-age` (an
 * invalid one counts as 0, `s-maxage` is for shared caches), else `Expires` minus `Date` (an
 * invalid Expires counts as 0: already expired, RFC 9111 section 5.3), else `defaultTtl`
 * (the cache's `ttl`, standing in for a heuristic; `null` for never stale); `no-cache` makes
 * it 0. Its age is the larger of its apparent age (arrival minus `Date`) and its `Age` plus the
 * time the request took (section 4.2.3).
 */
export function freshnessOf(
  headers: Headers,
  directives: CacheDirectives,
  exchange: Exchange,
  defaultTtl: number | null,
  validatable: boolean,
): HttpFreshness {
  const lifetime = directives.has('no-cache')
    ? 0
    : (lifetimeOf(headers, directives, exchange.responseTime) ?? defaultTtl ?? Infinity)
  const staleIfError = deltaSeconds(directives.get('stale-if-error'))
  return {
    staleAt: exchange.responseTime + (lifetime - initialAge(headers, exchange)) * 1000,
    staleWhileRevalidate: deltaSeconds(directives.get('stale-while-revalidate')) ?? 0,
    ...(staleIfError === undefined ? {} : { staleIfError }),
    mustRevalidate: directives.has('must-revalidate') || directives.has('no-cache'),
    validatable,
  }
}

/** The freshness lifetime the response states, in seconds; `undefined` when it states none. */
function lifetimeOf(
  headers: Headers,
  directives: CacheDirectives,
  responseTime: number,
): number | undefined {
  const maxAge = directives.get('max-age')
  if (maxAge !== undefined) return deltaSeconds(maxAge) ?? 0
  const expires = headers.get('expires')
  if (expires === null) return undefined
  const expiresAt = parseHttpDate(expires)
  if (expiresAt === undefined) return 0
  // Against the server's own Date, so that a skewed local clock does not matter.
  return (expiresAt - (parseHttpDate(headers.get('date')) ?? responseTime)) / 1000
}

/** The response's age when it arrived, in seconds (RFC 9111 section 4.2.3). */
function initialAge(headers: Headers, { requestTime, responseTime }: Exchange): number {
  const date = parseHttpDate(headers.get('date'))
  const apparentAge = date === undefined ? 0 : Math.max(0, (responseTime - date) / 1000)
  const ageValue = deltaSeconds(headers.get('age')) ?? 0
  return Math.max(apparentAge, ageValue + (responseTime - requestTime) / 1000)
}

/**
 * Fresh; stale but servable while one background revalidation runs (inside the larger of its
 * own `stale-while-revalidate` and the cache's window, unless it must be revalidated); or to
 * be revalidated before use.
 */
export function useOf(freshness: HttpFreshness, now: number, defaults: StaleDefaults): Use {
  if (now < freshness.staleAt) return 'fresh'
  return now < freshness.staleAt + whileRevalidateMs(freshness, defaults) ? 'stale' : 'revalidate'
}

/**
 * Whether a failed revalidation (a network error, a 500, 502, 503 or 504) may be answered with
 * the response, stale by now: inside its own `stale-if-error` window, or, unless it must be
 * revalidated, the `staleIfError` option's.
 */
export function servesOnError(
  freshness: HttpFreshness,
  now: number,
  defaults: StaleDefaults,
): boolean {
  // A fresh response is no stale answer: a failed revalidation of it (cache: 'no-cache') fails.
  return now >= freshness.staleAt && now < freshness.staleAt + ifErrorMs(freshness, defaults)
}

/**
 * How long the cache keeps the response, in seconds: `null` (until evicted) when it can be
 * revalidated, however stale, since a 304 then saves its body; otherwise until its last stale
 * window closes. Zero or less: not worth storing.
 */
export function keepSeconds(
  freshness: HttpFreshness,
  now: number,
  defaults: StaleDefaults,
): number | null {
  if (freshness.validatable || freshness.staleAt === Infinity) return null
  const window = Math.max(whileRevalidateMs(freshness, defaults), ifErrorMs(freshness, defaults))
  return (freshness.staleAt + window - now) / 1000
}

function whileRevalidateMs(freshness: HttpFreshness, defaults: StaleDefaults): number {
  if (freshness.mustRevalidate) return 0
  return Math.max(freshness.staleWhileRevalidate * 1000, defaults.whileRevalidateMs)
}

/** The response's own `stale-if-error` even over must-revalidate: the server allows it. */
function ifErrorMs(freshness: HttpFreshness, defaults: StaleDefaults): number {
  if (freshness.staleIfError !== undefined) return freshness.staleIfError * 1000
  return freshness.mustRevalidate ? 0 : defaults.ifErrorMs
}
