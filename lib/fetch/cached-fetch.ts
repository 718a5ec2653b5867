import type { AsyncCache, LoadContext, Loader } from '../index.js'
import { HttpError } from './http-error.js'
import { absoluteUrl, isKeyOf, requestKey, requestOf } from './key.js'
import { type CachedFetchOptions, type FetchFunction, resolveOptions } from './options.js'
import { cacheModeOf } from './request-mode.js'
import { type ResponseSnapshot, replay, snapshotOf } from './snapshot.js'
import { decideStore } from './store-decision.js'

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
  /** The cache behind it, keyed as `requestKey` says: a GET by its absolute URL. */
  readonly cacheInstance: AsyncCache<string, ResponseSnapshot>
}

/** Methods that change nothing on the server (RFC 9110 section 9.2.1): they invalidate nothing. */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE'])

/** Not Found and Gone: the resource no longer exists, so its cached copy must go too. */
const GONE_STATUSES = new Set([404, 410])

/**
 * Fetch with a private HTTP cache in front, built on {@link AsyncCache.getOrLoad}.
 *
 * - GET and HEAD requests are keyed by method, absolute URL and the `vary` headers, and loaded
 *   once however many callers ask at once (single-flight); each caller gets its own Response,
 *   replayed from a stored snapshot (see `replay`), its body readable.
 * - Only responses `decideStore` accepts are stored: by default 2xx, not `no-store`, not
 *   opaque, not an event stream, not varying on a request header the key does not hold;
 *   `max-age` minus `Age` (or `Expires`) sets the entry's TTL. The others reach every caller
 *   waiting on their load all the same, each as a clone of the response, its body not
 *   buffered (a stream, such as `text/event-stream`, flows as it arrives), and the load ends
 *   with `load-success` and no `set`; the next call fetches again.
 * - Other methods go straight to the network, counted neither as hits nor misses; a POST,
 *   PUT, PATCH or DELETE answered with a status below 400 then invalidates the URL's GET and
 *   HEAD entries (RFC 9111 section 4.4).
 * - A request's `cache: 'no-store'` (or, with the default mode, its own `Cache-Control:
 *   no-store` header) bypasses the cache. `'reload'` and `'no-cache'` (or a `Cache-Control:
 *   no-cache` or `Pragma: no-cache` header) skip the lookup (a miss) and load, or join the
 *   load in flight, then store the response if it may be stored (a failure keeps the old
 *   entry); an invalidation meanwhile wins, as for any load.
 * - The cache's `staleWhileRevalidate` serves an expired entry at once and refreshes it once
 *   in the background; a failed refresh keeps the entry and emits `load-error`. A load (such as
 *   a refresh, or a reload) answered 404 or 410, and not stored, deletes the entry; any other
 *   status not stored (a 503...) keeps it until it expires.
 * - `init.signal` rejects only its caller, with `signal.reason`; the shared request is aborted
 *   once every caller waiting on it has aborted.
 * - Loads appear on the cache's event stream (`load-start`, `load-success`, `load-error`)
 *   keyed by URL, so the devtools show them.
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
  const { cache, fetch, vary, rules } = resolveOptions(options)
  const send: FetchFunction = (input, init) => (fetch ?? globalThis.fetch)(input, init)
  /**
   * Keys of this function's loads in flight, by load; kept with `vary` only, where
   * {@link invalidate} cannot name every key of a URL and must find those not stored yet.
   */
  const loading = vary.length > 0 ? new Map<Promise<ResponseSnapshot>, string>() : undefined

  /**
   * Fetches a response and snapshots it, telling the cache through `context` whether to store
   * it under `key` and for how long (see `decideStore`). A 404 or 410 not stored drops the
   * entry it would have replaced: the resource is gone, and a stale copy must not outlive it.
   * Other statuses not stored leave the entry to its TTL.
   */
  async function fetchSnapshot(
    key: string,
    input: RequestInfo | URL,
    init: RequestInit | undefined,
    context: LoadContext,
  ) {
    const response = await send(input, init)
    Object.assign(context, decideStore(response, rules))
    const stored = context.store !== false
    if (!stored && GONE_STATUSES.has(response.status) && cache.info(key) !== undefined) {
      cache.delete(key)
    }
    return snapshotOf(response, stored)
  }

  function loaderFor(
    key: string,
    input: RequestInfo | URL,
    init: RequestInit | undefined,
  ): Loader<ResponseSnapshot> {
    return (signal, context) => {
      const loaded = fetchSnapshot(key, input, { ...init, signal }, context)
      if (loading !== undefined) {
        loading.set(loaded, key)
        const forget = () => loading.delete(loaded)
        loaded.then(forget, forget)
      }
      return loaded
    }
  }

  async function passThrough(
    method: string,
    url: string,
    input: RequestInfo | URL,
    init: RequestInit | undefined,
  ) {
    const response = await send(input, init)
    // An opaque response (status 0) may have changed the resource too: a refetch costs less than stale data.
    if (!SAFE_METHODS.has(method) && response.status < 400) invalidate(url)
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

  function api(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
    try {
      const request = requestOf(input, init)
      const { method, url } = request
      if (method !== 'GET' && method !== 'HEAD') return passThrough(method, url, input, init)
      const headers = request.headers()
      const mode = cacheModeOf(request.mode, headers)
      if (mode === 'no-store') return send(input, init)
      const key = requestKey(method, url, vary.length > 0 ? headers : undefined, vary)
      const signal = request.signal
      // 'reload' and 'no-cache' load even over a fresh entry, and replace it unless a set, delete or clear wins.
      const refresh = mode === 'reload' || mode === 'no-cache'
      const options = signal === undefined && !refresh ? undefined : { signal, refresh }
      return cache.getOrLoad(key, loaderFor(key, input, init), options).then(replay)
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

  return Object.defineProperties(api, {
    json: { value: json },
    invalidate: { value: invalidate },
    cacheInstance: { value: cache },
  }) as CachedFetch
}
