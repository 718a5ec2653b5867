import type { LoadOptions, Observable } from '../index.js'
import type { CachedFetch } from './cached-fetch.js'
import { HttpError } from './http-error.js'
import { type ResponseSnapshot, replay, snapshotOf } from './snapshot.js'

/** How a response becomes data: parsed as JSON, read as text or a Blob, or a function of it. */
export type ResponseFormat<T = unknown> = 'json' | 'text' | 'blob' | ((response: Response) => T)

/** The arguments of one fetch call. */
export type FetchArgs = [input: RequestInfo | URL, init?: RequestInit]

const sources = new WeakMap<CachedFetch, Observable<FetchArgs, string, ResponseSnapshot>>()

/**
 * A {@link CachedFetch} as `observe` (and the hooks' `useCachedFetch`) sees it: keyed by its
 * cache key, loading with the observer's signal (`refresh`: as `cache: 'no-cache'`), its value
 * the stored response. A status outside 2xx rejects with an {@link HttpError}. The same object
 * for the same `api`.
 */
export function fetchSource(api: CachedFetch): Observable<FetchArgs, string, ResponseSnapshot> {
  let source = sources.get(api)
  if (source === undefined) {
    const keyOf = (input: RequestInfo | URL, init?: RequestInit): string => {
      const key = api.keyOf(input, init)
      if (key === undefined) {
        throw new TypeError(
          'fetchSource: only a GET or HEAD request the cache may serve can be observed, not one with another method or no-store',
        )
      }
      return key
    }
    source = {
      cacheInstance: api.cacheInstance,
      keyOf,
      async load([input, init]: FetchArgs, options?: LoadOptions) {
        const response = await api(input, {
          ...init,
          signal: options?.signal,
          ...(options?.refresh === true ? { cache: 'no-cache' as const } : {}),
        })
        if (!response.ok) throw new HttpError(response)
        // A stored response is read from the cache; one not stored is read from the network.
        return (
          api.cacheInstance.info(keyOf(input, init))?.value ?? snapshotOf(response, true, undefined)
        )
      },
    }
    sources.set(api, source)
  }
  return source
}

/** Parsed data by response and format: every observer of a response shares one parse. */
const parsed = new WeakMap<
  ResponseSnapshot,
  Map<ResponseFormat, { data?: unknown; error?: unknown }>
>()

/**
 * The `select` of an observer of {@link fetchSource}: reads a stored response as `format` says,
 * once per stored response and format (a function format by its identity: define it once,
 * outside the component). A status outside 2xx throws an {@link HttpError}.
 */
export function parseAs<T>(format: ResponseFormat<T>): (snapshot: ResponseSnapshot) => T {
  if (typeof format !== 'function' && format !== 'json' && format !== 'text' && format !== 'blob') {
    throw new TypeError(
      `as must be 'json', 'text', 'blob' or a function of the Response, got ${String(format)}`,
    )
  }
  return (snapshot) => {
    const byFormat = parsed.get(snapshot) ?? new Map()
    parsed.set(snapshot, byFormat)
    let outcome = byFormat.get(format)
    if (outcome === undefined) {
      try {
        outcome = { data: read(snapshot, format) }
      } catch (error) {
        outcome = { error }
      }
      byFormat.set(format, outcome)
    }
    if ('error' in outcome) throw outcome.error
    return outcome.data as T
  }
}

function read(snapshot: ResponseSnapshot, format: ResponseFormat): unknown {
  if (snapshot.status < 200 || snapshot.status > 299) throw new HttpError(replay(snapshot))
  if (typeof format === 'function') return format(replay(snapshot))
  const body = snapshot.body ?? new ArrayBuffer(0)
  if (format === 'blob') {
    const type = snapshot.headers.find(([name]) => name === 'content-type')?.[1] ?? ''
    return new Blob([body], { type })
  }
  const text = new TextDecoder().decode(body)
  return format === 'json' ? JSON.parse(text) : text
}
