import {
  AsyncCache,
  type AsyncCacheOptions,
  checkNumber,
  checkType,
  type RetryOption,
  type RetryPolicy,
  retryPolicy,
} from '../index.js'
import type { StaleDefaults } from './freshness.js'
import { type ResponseSnapshot, snapshotBytes } from './snapshot.js'
import type { StoreRules } from './store-decision.js'

/** A function with fetch's signature: `globalThis.fetch`, or ky, ofetch's raw fetch, a test double. */
export type FetchFunction = (input: RequestInfo | URL, init?: RequestInit) => Promise<Response>

/**
 * How to build a {@link cachedFetch}: either the options of a new cache (all of
 * `AsyncCacheOptions`, with `maxsize` optional) or an existing `cache`, plus the fetch layer's own.
 */
export interface CachedFetchOptions
  extends Omit<AsyncCacheOptions<string, ResponseSnapshot>, 'maxsize' | 'maxSize' | 'sizeOf'> {
  /** Most responses held at once. Default 128, as for `asyncCache`. */
  maxsize?: number
  /**
   * A budget in bytes for the stored responses (body, headers and status text): once a store
   * takes the total past it, the policy's victims leave until it fits, and a response larger
   * than the whole budget is handed to its callers without being stored. Absent: only
   * `maxsize` bounds the cache. `getStats().totalSize` tells the bytes held.
   */
  maxBytes?: number
  /** An existing cache to use instead of a new one; then no cache option may be given. */
  cache?: AsyncCache<string, ResponseSnapshot>
  /** The fetch to call. Default: `globalThis.fetch`, looked up at each call (so it can be stubbed later). */
  fetch?: FetchFunction
  /**
   * Request header names whose values are part of the key, such as `['accept-language']`:
   * requests differing in them are cached apart. Case-insensitive. A response whose `Vary`
   * names a header not listed here (`Accept-Encoding` and `Origin` aside), `Cookie`, or `*`
   * is never stored: it could be served to a request it was not made for.
   */
  vary?: readonly string[]
  /**
   * Whether a response may be stored. Default: `response.ok` (a 2xx status). It must not read
   * the body (clone the response to peek). `Cache-Control: no-store`, 206 partial responses
   * and responses varying on a header outside `vary` are never stored whatever it says, nor,
   * with `respectCacheControl`, one whose status is not cacheable by default (a 201, 202...)
   * without `max-age`, `Expires`, `public` or `private` (RFC 9111 section 3); an opaque
   * response never can be.
   */
  cacheable?: (response: Response) => boolean
  /**
   * Whether the HTTP caching rules apply, as in a browser's private cache: the response's
   * `Cache-Control`, `Age`, `Date` and `Expires` set its freshness (above or below the cache's
   * `ttl`, which applies to responses that state no lifetime), a stale response with an `ETag`
   * or `Last-Modified` is revalidated with a conditional request, and the stale windows apply.
   * Default true. False: every stored response lives for the cache's `ttl`, and is loaded again
   * in full once expired (the cache's `staleWhileRevalidate` still applies).
   */
  respectCacheControl?: boolean
  /**
   * Seconds past its freshness during which a stored response answers when its revalidation
   * fails (a network error, or a 500, 502, 503 or 504), for responses without their own
   * `stale-if-error` (RFC 5861), unless they say `must-revalidate` or `no-cache`. Default 0.
   */
  staleIfError?: number
  /**
   * Retries of a GET or HEAD after a network error or a 408, 429, 500, 502, 503 or 504: a
   * number of retries, or `{ attempts, minDelayMs, maxDelayMs }`. Default 0. Waits are
   * exponential with full jitter, or what `Retry-After` says, capped by `maxDelayMs` (default
   * 30 s); the first is up to `minDelayMs` (default 1 s): the core's retry rule (see
   * `RetryOptions`). Every caller of a load having left ends its retries.
   */
  retry?: RetryOption
}

/** The options, checked and with their defaults. */
export interface ResolvedOptions {
  cache: AsyncCache<string, ResponseSnapshot>
  fetch: FetchFunction | undefined
  vary: string[]
  rules: StoreRules
  /** `undefined`: no retries. */
  retry: RetryPolicy | undefined
}

const DEFAULT_MAXSIZE = 128
const CACHE_OPTIONS = [
  'maxsize',
  'maxBytes',
  'policy',
  'ttl',
  'staleWhileRevalidate',
  'name',
  'now',
] as const
/** An HTTP field name (RFC 9110 section 5.1). */
const FIELD_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/

const isOk = (response: Response) => response.ok

/** Checks `cachedFetch` options, throwing a TypeError that names the bad one, and applies defaults. */
export function resolveOptions(options: CachedFetchOptions): ResolvedOptions {
  if (options === null || typeof options !== 'object') {
    throw new TypeError(`cachedFetch options must be an object, got ${String(options)}`)
  }
  const {
    cache: given,
    fetch,
    vary = [],
    cacheable = isOk,
    respectCacheControl = true,
    staleIfError,
    retry,
    ...cacheOptions
  } = options
  checkType('fetch', fetch, 'function')
  checkType('cacheable', cacheable, 'function')
  if (typeof respectCacheControl !== 'boolean') {
    throw new TypeError(`respectCacheControl must be a boolean, got ${typeof respectCacheControl}`)
  }
  let cache: AsyncCache<string, ResponseSnapshot>
  if (given === undefined) {
    const { maxBytes, ...rest } = cacheOptions
    if (maxBytes !== undefined) {
      checkNumber('maxBytes', maxBytes, {
        integer: true,
        min: 1,
        max: Number.MAX_SAFE_INTEGER,
        allowed: 'a whole number of bytes, 1 or more',
      })
    }
    cache = new AsyncCache<string, ResponseSnapshot>({
      ...rest,
      maxsize: rest.maxsize ?? DEFAULT_MAXSIZE,
      ...(maxBytes === undefined ? {} : { maxSize: maxBytes, sizeOf: snapshotBytes }),
    })
  } else {
    if (!(given instanceof AsyncCache)) {
      throw new TypeError(`cache must be an AsyncCache, got ${String(given)}`)
    }
    const clash = CACHE_OPTIONS.filter((name) => cacheOptions[name] !== undefined)
    if (clash.length > 0) {
      throw new TypeError(
        `cachedFetch takes either an existing cache or options for a new one, got cache and ${clash.join(', ')}`,
      )
    }
    cache = given
  }
  const names = checkVary(vary)
  const stale: StaleDefaults = {
    whileRevalidateMs: cache.staleWhileRevalidate * 1000,
    ifErrorMs:
      checkNumber(
        'staleIfError',
        staleIfError,
        { min: 0, allowed: 'a number of seconds, 0 or more' },
        0,
      ) * 1000,
  }
  return {
    cache,
    fetch,
    vary: names,
    rules: { cacheable, respectCacheControl, vary: names, defaultTtl: cache.ttl, stale },
    retry: retryPolicy(retry),
  }
}

/** Lower-cased, sorted and deduplicated, so that the same names in any spelling give the same keys. */
function checkVary(vary: unknown): string[] {
  if (!Array.isArray(vary)) {
    throw new TypeError(`vary must be an array of header names, got ${String(vary)}`)
  }
  for (const name of vary) {
    if (typeof name !== 'string' || !FIELD_NAME.test(name)) {
      throw new TypeError(`vary must hold HTTP header names, got ${JSON.stringify(name)}`)
    }
  }
  return [...new Set(vary.map((name: string) => name.toLowerCase()))].sort()
}
