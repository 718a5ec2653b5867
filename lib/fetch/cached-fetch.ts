import type { AsyncCache, LoadContext, Loader, LoadOptions } from '../index.js'
import './events.js'
import { parseCacheControl } from './cache-control.js'
import {
  type Exchange,
  freshnessOf,
  keepSeconds,
  servesOnError,
  type Use,
  useOf,
} from './freshness.js'
import { HttpError } from './http-error.js'
import {
  absoluteUrl,
  getKeyOf,
  isKeyOf,
  parseKey,
  requestKey,
  requestOf,
  sameOriginUrl,
} from './key.js'
import { type CachedFetchOptions, type FetchFunction, resolveOptions } from './options.js'
import { bypassesCache, cacheModeOf } from './request-mode.js'
import { type RetryNotice, withRetries } from './retry.js'
import {
  conditionalInit,
  describesAnother,
  freshened,
  namesStored,
  validatorsOf,
} from './revalidation.js'
import { type ResponseSnapshot, replay, snapshotOf } from './snapshot.js'
import { agreeOn, decideStore, varyOutsideKey } from './store-decision.js'

/** What validators and stale responses saved, and what retries cost, since {@link cachedFetch} was built. */
export interface FetchStats {
  /** Conditional requests that came back, 304 or not. */
  revalidations: number
  /** Of those, the ones answered 304 Not Modified: the stored body was reused. */
  notModified: number
  /** Body bytes the 304s did not download. */
  bytesSaved: number
  /** Requests sent again after a network error or a retried status. */
  retries: number
  /** Failed revalidations answered with the stale response (`stale-if-error`). */
  staleIfError: number
}

/** What {@link cachedFetch} returns: fetch with a cache in front, and a few helpers. */
export interface CachedFetch {
  /** Fetch's signature and contract: resolves with a Response of its own, body unread. */
  (input: RequestInfo | URL, init?: RequestInit): Promise<Response>
  /**
   * Fetches through the cache and parses the body as JSON, typed `T` (unchecked). A status
   * outside 2xx rejects with an {@link HttpError} holding the response.
   */
  json<T = unknown>(input: RequestInfo | URL, init?: RequestInit): Promise<T>
  /**
   * Drops the cached GET and HEAD responses of a URL (relative URLs resolve as in fetch), with
   * every `vary` variant, and keeps loads in flight for it from being stored. True if an entry
   * was removed.
   */
  invalidate(url: string | URL): boolean
  /** The fetch layer's own counters (the cache's are in `cacheInstance.getStats()`). */
  stats(): FetchStats
  /**
   * The cache key a call with these arguments uses; `undefined` for a request the cache never
   * serves (a method other than GET and HEAD, `no-store`, a conditional or a Range request).
   */
  keyOf(input: RequestInfo | URL, init?: RequestInit): string | undefined
  /** The cache behind it, keyed as `requestKey` says: a GET by its absolute URL. */
  readonly cacheInstance: AsyncCache<string, ResponseSnapshot>
}

/** Methods that change nothing on the server (RFC 9110 section 9.2.1): they invalidate nothing. */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE'])

/** Response headers naming a URL that a successful unsafe request may have changed. */
const CHANGED_LOCATIONS = ['location', 'content-location']

/** Not Found and Gone: the resource no longer exists, so its cached copy must go too. */
const GONE_STATUSES = new Set([404, 410])

/** The statuses after which `stale-if-error` may answer with the stale response (RFC 5861 section 4). */
const SERVER_ERRORS = new Set([500, 502, 503, 504])

const noop = () => {}

/**
 * The varied headers outside the key, and the request headers, of each live snapshot whose
 * `Vary` names such headers: the callers who joined its load with other values of them send a
 * request of their own (see `answerFor`). One map for every `cachedFetch`, as those sharing a
 * cache join each other's loads.
 */
const madeFor = new WeakMap<ResponseSnapshot, { names: string[]; headers: Headers | undefined }>()

/**
 * Fetch with a private HTTP cache in front (RFC 9111, with RFC 5861's stale windows), built on
 * {@link AsyncCache.getOrLoad}: every network load, revalidations included, is one of its
 * loads, so single-flight, per-caller abort and "a set, delete or clear wins" hold for all.
 *
 * - GET and HEAD requests are keyed by method, absolute URL and the `vary` headers, and loaded
 *   once however many callers ask at once; each caller gets its own Response, replayed from a
 *   stored snapshot (see `replay`), its body readable.
 * - Only responses `decideStore` accepts are stored: by default 2xx, not `no-store`, not
 *   opaque, not an event stream, not varying on a request header the key does not hold. The
 *   others reach every caller waiting on their load all the same, each as a clone of the
 *   response, its body not buffered, and the load ends with `load-success` and no `set`; but
 *   a caller whose request differs from the load's in a header the response varies on sends
 *   its own request.
 * - A stored response is fresh for its `max-age` (or `Expires` minus `Date`, or the cache's
 *   `ttl`) minus its age (see `freshnessOf`). Stale, it is served at once while one background
 *   revalidation runs inside its stale-while-revalidate window (its own or the cache's, unless
 *   `must-revalidate` or `no-cache`); otherwise the request waits for the revalidation. With a
 *   validator the revalidation is conditional: a 304 keeps the stored body, updates the stored
 *   headers and recomputes the freshness; any other answer replaces the entry.
 * - A revalidation that fails (a network error, a 500, 502, 503 or 504) answers with the stale
 *   response inside its stale-if-error window; otherwise the failure reaches the callers, a
 *   network error as a 504 Gateway Timeout for a `must-revalidate` or `no-cache` response.
 * - Other methods go straight to the network, counted neither as hits nor misses; a POST,
 *   PUT, PATCH or DELETE answered with a status below 400 then invalidates the GET and HEAD
 *   entries of its URL, and of the same-origin URLs its `Location` and `Content-Location`
 *   name, or a redirect it followed led to (RFC 9111 section 4.4). A request with its own
 *   conditional headers or a `Range` goes straight to the network too.
 * - A request's `cache: 'no-store'` (or, with the default mode, its own `Cache-Control:
 *   no-store` header) bypasses the cache. `'only-if-cached'` never reaches the network: a
 *   stored response of any age answers (a `Cache-Control: only-if-cached` header: a fresh
 *   one), else a 504. `'force-cache'` takes a stored response of any age, and loads only
 *   when nothing is stored. `'reload'` loads in full and `'no-cache'` (or a
 *   `Cache-Control: no-cache` or `Pragma: no-cache` header) revalidates, even a fresh entry.
 * - A load answered 404 or 410, and not stored, deletes the entry; any other status not stored
 *   (a 503...) keeps it.
 * - `init.signal` rejects only its caller, with `signal.reason`; the shared request is aborted
 *   once every caller waiting on it has aborted.
 * - Loads appear on the cache's event stream (`load-start`, `load-success`, `load-error`),
 *   with the layer's `revalidated`, `fetch-retry` and `stale-if-error`, keyed by URL.
 *
 * @example
 * ```ts
 * const api = cachedFetch({ maxsize: 500, policy: 'LRU', ttl: 30, name: 'api' })
 * const res = await api('/api/users/42')   // from the network
 * const again = await api('/api/users/42') // from the cache: a new Response, body readable
 * const user = await api.json<User>('/api/users/42')
 * ```
 */
export function cachedFetch(options: CachedFetchOptions = {}): CachedFetch {
  const { cache, fetch, vary, rules, retry } = resolveOptions(options)
  const send: FetchFunction = (input, init) => (fetch ?? globalThis.fetch)(input, init)
  /**
   * Keys of this function's loads in flight, by load; kept with `vary` only, where
   * {@link invalidate} cannot name every key of a URL and must find those not stored yet.
   */
  const loading = vary.length > 0 ? new Map<Promise<ResponseSnapshot>, string>() : undefined
  /** Keys whose background revalidation this function started and that has not settled. */
  const revalidating = new Set<string>()
  const counts: FetchStats = {
    revalidations: 0,
    notModified: 0,
    bytesSaved: 0,
    retries: 0,
    staleIfError: 0,
  }

  /** Sends a GET or HEAD, retried as the `retry` option says. */
  function sendRetried(
    key: string,
    input: RequestInfo | URL,
    init: RequestInit | undefined,
    signal: AbortSignal | undefined,
  ): Promise<Response> {
    if (retry === undefined) return send(input, init)
    return withRetries(
      () => send(input, init),
      retry,
      signal,
      (notice: RetryNotice) => {
        counts.retries++
        cache.publish({ type: 'fetch-retry', key, ...notice })
      },
    )
  }

  /**
   * One load of `key`: fetches a response and snapshots it, telling the cache through
   * `context` whether to store it and for how long (see `decideStore`). With `revalidate`, the
   * entry stored when the load starts is the one it refreshes: the request is conditional if
   * that entry has validators, and its stale-if-error window may answer for a failure.
   */
  async function load(
    key: string,
    input: RequestInfo | URL,
    init: RequestInit | undefined,
    headers: Headers | undefined,
    revalidate: boolean,
    signal: AbortSignal,
    context: LoadContext,
  ): Promise<ResponseSnapshot> {
    const stored = revalidate ? cache.info(key)?.value : undefined
    const validators =
      stored?.http?.validatable === true ? validatorsOf(new Headers(stored.headers)) : undefined
    const plain = { ...init, signal }
    const requestTime = cache.now()
    let response: Response
    try {
      const sent =
        validators === undefined ? plain : conditionalInit(init, headers, validators, signal)
      response = await sendRetried(key, input, sent, signal)
    } catch (error) {
      if (stored === undefined || signal.aborted || !servesStale(stored)) throw error
      return staleOnError(key, stored, context, undefined, error)
    }
    if (stored !== undefined && SERVER_ERRORS.has(response.status) && servesStale(stored)) {
      response.body?.cancel().catch(noop)
      return staleOnError(key, stored, context, response.status, undefined)
    }
    let exchange: Exchange = { requestTime, responseTime: cache.now() }
    if (stored !== undefined && validators !== undefined) {
      counts.revalidations++
      if (response.status === 304 && namesStored(response, validators)) {
        return notModified(key, stored, response, exchange, context)
      }
      cache.publish({ type: 'revalidated', key, notModified: false, bytesSaved: 0 })
      if (response.status === 304) {
        // A 304 for another representation than the one stored cannot update it: load in full.
        exchange = { requestTime: cache.now(), responseTime: 0 }
        response = await sendRetried(key, input, plain, signal)
        exchange.responseTime = cache.now()
      }
    }
    const decision = decideStore(response, rules, exchange)
    Object.assign(context, decision.context)
    const storing = context.store !== false
    if (cache.listening) {
      const { status, statusText } = response
      cache.publish({ type: 'fetch-response', key, status, statusText, stored: storing })
    }
    // The resource is gone: a stale copy must not outlive it.
    if (!storing && GONE_STATUSES.has(response.status) && cache.info(key) !== undefined) {
      cache.delete(key)
    }
    const getKey = getKeyOf(key)
    // A HEAD telling of another representation makes the stored GET stale (RFC 9111 section 4.3.5).
    if (getKey !== undefined && response.status === 200) {
      const get = cache.info(getKey)?.value
      if (get !== undefined && describesAnother(response.headers, get)) cache.delete(getKey)
    }
    const snapshot = await snapshotOf(response, storing, decision.freshness)
    const names = varyOutsideKey(response, rules.vary)
    if (names.length > 0) madeFor.set(snapshot, { names, headers })
    return snapshot
  }

  /**
   * How a caller gets its Response from the snapshot its load gave: a replay, unless the load
   * was another caller's and its response varies on a header where the two requests differ.
   * That caller then sends its own request, not stored: collapsed requests share a response
   * only where it may answer each of them (RFC 9111 sections 4 and 4.1).
   */
  function answerFor(
    key: string,
    input: RequestInfo | URL,
    init: RequestInit | undefined,
    headers: Headers | undefined,
    signal: AbortSignal | undefined,
  ): (snapshot: ResponseSnapshot) => Response | Promise<Response> {
    return (snapshot) => {
      const made = madeFor.get(snapshot)
      if (made === undefined || made.headers === headers) return replay(snapshot)
      if (agreeOn(made.names, made.headers, headers)) return replay(snapshot)
      return sendRetried(key, input, init, signal)
    }
  }

  /**
   * The stored response freshened by a 304 (RFC 9111 section 4.3.4): its headers updated, its
   * freshness recomputed from them, kept for as long as they now say.
   */
  function notModified(
    key: string,
    stored: ResponseSnapshot,
    response: Response,
    exchange: Exchange,
    context: LoadContext,
  ): ResponseSnapshot {
    const snapshot = freshened(stored, response)
    const headers = new Headers(snapshot.headers)
    const directives = parseCacheControl(headers.get('cache-control'))
    const http = freshnessOf(headers, directives, exchange, rules.defaultTtl, true)
    snapshot.http = http
    if (directives.has('no-store')) context.store = false
    else context.ttl = keepSeconds(http, exchange.responseTime, rules.stale)
    const bytesSaved = stored.body?.byteLength ?? 0
    counts.notModified++
    counts.bytesSaved += bytesSaved
    cache.publish({ type: 'revalidated', key, notModified: true, bytesSaved })
    return snapshot
  }

  /** Whether the stored response may answer for a failed revalidation now. */
  function servesStale(stored: ResponseSnapshot): boolean {
    return stored.http !== undefined && servesOnError(stored.http, cache.now(), rules.stale)
  }

  /** Answers a failed revalidation with the stored response, left in the cache as it is. */
  function staleOnError(
    key: string,
    stored: ResponseSnapshot,
    context: LoadContext,
    status: number | undefined,
    error: unknown,
  ): ResponseSnapshot {
    context.store = false
    counts.staleIfError++
    cache.publish({ type: 'stale-if-error', key, status, error })
    return stored
  }

  function loaderFor(
    key: string,
    input: RequestInfo | URL,
    init: RequestInit | undefined,
    headers: Headers | undefined,
    revalidate: boolean,
  ): Loader<ResponseSnapshot> {
    return (signal, context) => {
      const loaded = load(key, input, init, headers, revalidate, signal, context)
      if (loading !== undefined) {
        loading.set(loaded, key)
        const forget = () => loading.delete(loaded)
        loaded.then(forget, forget)
      }
      return loaded
    }
  }

  /**
   * Serves a stale entry at once (a hit) and revalidates it in the background, once however
   * many callers meet it stale meanwhile (the revalidation is a load: a miss). Its failure
   * keeps the entry and is told by `load-error`.
   */
  function serveStale(
    key: string,
    loader: Loader<ResponseSnapshot>,
    options: LoadOptions | undefined,
  ) {
    const served = cache.getOrLoad(key, loader, options)
    if (!revalidating.has(key)) {
      revalidating.add(key)
      const settled = () => revalidating.delete(key)
      cache.getOrLoad(key, loader, { refresh: true }).then(settled, settled)
    }
    // Told once the revalidation is in flight, as the core tells its own: a listener joins it.
    cache.publish({ type: 'stale', key })
    return served
  }

  /**
   * A revalidation the callers wait for. When the response must be revalidated
   * (`must-revalidate`, `no-cache`), a network error reaches them as a 504 Gateway Timeout, as
   * RFC 9111 section 5.2.2.2 has a cache answer; a caller's own abort still rejects it.
   */
  function revalidateFirst(
    key: string,
    loader: Loader<ResponseSnapshot>,
    signal: AbortSignal | undefined,
    strict: boolean,
    reply: (snapshot: ResponseSnapshot) => Response | Promise<Response>,
  ): Promise<Response> {
    const loaded = cache.getOrLoad(key, loader, { signal, refresh: true }).then(reply)
    if (!strict) return loaded
    return loaded.catch((error: unknown) => {
      if (signal?.aborted && error === signal.reason) throw error
      const reason = error instanceof Error ? error.message : String(error)
      return gatewayTimeout(
        `cachedFetch: the stored response of ${key} must be revalidated, and revalidation failed: ${reason}`,
      )
    })
  }

  /**
   * An `only-if-cached` request that no fresh entry answers: Fetch's mode (`anyAge`) still takes
   * a stale one, as its standard says; otherwise a 504, as RFC 9111 section 5.2.1.7 has a cache
   * answer, and nothing reaches the network.
   */
  function cacheOnly(key: string, anyAge: boolean, signal: AbortSignal | undefined) {
    if (signal?.aborted) return Promise.reject(signal.reason)
    const stored = anyAge ? storedAnyAge(key) : undefined
    if (stored !== undefined) return stored
    return Promise.resolve(
      gatewayTimeout(
        `cachedFetch: ${key} is not stored fresh, and only-if-cached forbids the network`,
      ),
    )
  }

  /**
   * Settles once the cache's held misses may load (a restore is over), or as soon as `signal`
   * aborts: a caller who leaves is rejected then, as fetch rejects, not when the restore ends.
   */
  function restored(signal: AbortSignal | undefined): Promise<void> {
    const settled = cache.holdSettled()
    if (signal === undefined) return settled
    return new Promise((resolve) => {
      const done = () => {
        signal.removeEventListener('abort', done)
        resolve()
      }
      signal.addEventListener('abort', done)
      settled.then(done)
    })
  }

  /**
   * The stored response of `key` whatever its age, as Fetch's `force-cache` and `only-if-cached`
   * take it; `undefined` when nothing is stored.
   */
  function storedAnyAge(key: string): Promise<Response> | undefined {
    const stored = cache.hit(key)
    if (stored !== undefined) return stored.then(replay)
    // Inside the cache's own stale window: read as it is, as getOrLoad would start a refresh.
    const held = cache.info(key)?.value
    return held === undefined ? undefined : Promise.resolve(replay(held))
  }

  async function passThrough(
    method: string,
    url: string,
    input: RequestInfo | URL,
    init: RequestInit | undefined,
  ) {
    const response = await send(input, init)
    // An opaque response (status 0) may have changed the resource too: a refetch costs less than stale data.
    if (SAFE_METHODS.has(method) || response.status >= 400) return response
    invalidate(url)
    // The resource a write created or changed may have a URL of its own (RFC 9111 section 4.4).
    // fetch follows a redirect (a 303 after a POST) and hides its Location: the URL it led to is it.
    const base = response.url || url
    const named = CHANGED_LOCATIONS.map((name) => response.headers.get(name))
    if (response.redirected) named.push(response.url)
    for (const value of named) {
      const changed = sameOriginUrl(value, base, url)
      if (changed !== undefined) invalidate(changed)
    }
    return response
  }

  function invalidate(target: string | URL): boolean {
    if (typeof target !== 'string' && !(target instanceof URL)) {
      throw new TypeError(`invalidate: url must be a string or a URL, got ${String(target)}`)
    }
    const url = absoluteUrl(String(target))
    let removed = cache.delete(requestKey('GET', url, undefined, []))
    if (cache.delete(requestKey('HEAD', url, undefined, []))) removed = true
    if (loading !== undefined) {
      const keys = [...cache.inspect().map((entry) => entry.key), ...loading.values()]
      for (const key of keys) if (isKeyOf(key, url) && cache.delete(key)) removed = true
    }
    return removed
  }

  function keyOf(input: RequestInfo | URL, init?: RequestInit): string | undefined {
    const request = requestOf(input, init)
    if (request.method !== 'GET' && request.method !== 'HEAD') return undefined
    const headers = request.headers()
    if (cacheModeOf(request.mode, headers) === 'no-store' || bypassesCache(headers))
      return undefined
    return requestKey(request.method, request.url, vary.length > 0 ? headers : undefined, vary)
  }

  function api(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
    try {
      const request = requestOf(input, init)
      const { method, url } = request
      if (method !== 'GET' && method !== 'HEAD') return passThrough(method, url, input, init)
      const headers = request.headers()
      const mode = cacheModeOf(request.mode, headers)
      const signal = request.signal
      if (mode === 'no-store' || bypassesCache(headers)) {
        // A part or a conditional answer is never stored, and only-if-cached still forbids the network.
        if (mode === 'only-if-cached') return cacheOnly(url, false, signal)
        return sendRetried(url, input, init, signal)
      }
      const key = requestKey(method, url, vary.length > 0 ? headers : undefined, vary)
      // 'reload' and 'no-cache' load even over a fresh entry, and replace it unless a set, delete or clear wins.
      if (mode === 'reload' || mode === 'no-cache') {
        const loader = loaderFor(key, input, init, headers, mode === 'no-cache')
        const reply = answerFor(key, input, init, headers, signal)
        return cache.getOrLoad(key, loader, { signal, refresh: true }).then(reply)
      }
      // 'force-cache' takes what is stored whatever its HTTP age, as Fetch says; else it loads.
      if (mode === 'force-cache' && signal?.aborted !== true) {
        const stored = storedAnyAge(key)
        if (stored !== undefined) return stored
      }
      const stored = cache.peek(key)
      const http = stored?.http
      let use: Use | undefined
      if (stored !== undefined)
        use = http === undefined ? 'fresh' : useOf(http, cache.now(), rules.stale)
      // A hit builds no loader (an aborted signal still rejects, through getOrLoad).
      const hit = use === 'fresh' && signal?.aborted !== true ? cache.hit(key) : undefined
      if (hit !== undefined) return hit.then(replay)
      if (mode === 'only-if-cached') {
        // Memory is the whole answer, once persistence has brought back what it holds.
        if (cache.holding && signal?.aborted !== true) {
          return restored(signal).then(() => api(input, init))
        }
        return cacheOnly(key, request.mode === mode, signal)
      }
      const loader = loaderFor(key, input, init, headers, true)
      // A stale hit is served from memory, replayed as it is: no other caller's load to check.
      if (use === 'stale') return serveStale(key, loader, signal && { signal }).then(replay)
      const reply = answerFor(key, input, init, headers, signal)
      if (use === 'revalidate')
        return revalidateFirst(key, loader, signal, http?.mustRevalidate === true, reply)
      // Past every window, and held only by the cache's own staleWhileRevalidate: load it again.
      if (stored === undefined && cache.info(key)?.value.http !== undefined) {
        return revalidateFirst(key, loader, signal, false, reply)
      }
      return cache.getOrLoad(key, loader, signal && { signal }).then(reply)
    } catch (error) {
      // fetch reports every failure, bad arguments included, through its promise.
      return Promise.reject(error)
    }
  }

  async function json<T>(input: RequestInfo | URL, init?: RequestInit): Promise<T> {
    const response = await api(input, init)
    if (!response.ok) throw new HttpError(response)
    return (await response.json()) as T
  }

  // Tools reload a key as the app would: the same URL, method and varied headers, fetched anew.
  cache.reloader = async (key) => {
    const { method, url, headers } = parseKey(key)
    await (await api(url, { method, headers, cache: 'reload' })).arrayBuffer()
  }

  return Object.defineProperties(api, {
    json: { value: json },
    invalidate: { value: invalidate },
    stats: { value: (): FetchStats => ({ ...counts }) },
    keyOf: { value: keyOf },
    cacheInstance: { value: cache },
  }) as CachedFetch
}

/**
 * What a cache answers when it cannot reach the origin and has nothing it may answer with: a
 * response it must revalidate (RFC 9111 section 5.2.2.2), an `only-if-cached` request (section
 * 5.2.1.7).
 */
function gatewayTimeout(message: string): Response {
  return new Response(message, {
    status: 504,
    statusText: 'Gateway Timeout',
    headers: { 'content-type': 'text/plain' },
  })
}
