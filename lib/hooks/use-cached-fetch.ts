import { type CachedFetch, fetchSource, parseAs, type ResponseFormat } from '../fetch/index.js'
import type { UseCached, UseCachedOptions, UseCachedResult } from './use-cached.js'

/** Options of `useCachedFetch`: `useCached`'s, and how the body becomes data. */
export interface UseCachedFetchOptions<T> extends Omit<UseCachedOptions<unknown, T>, 'select'> {
  /**
   * `'json'` (the default), `'text'`, `'blob'`, or a function of the Response (for its status
   * or headers; define it once, outside the component: the parse is memoised by it). Parsed
   * once per stored response, whichever components show it.
   */
  as?: ResponseFormat<T>
}

/** `useCachedFetch`'s signature, the same in every framework. */
export type UseCachedFetch = <T = unknown>(
  api: CachedFetch,
  input: RequestInfo | URL,
  init?: RequestInit,
  options?: UseCachedFetchOptions<T>,
) => UseCachedResult<T>

/** `useCachedFetch` made of a framework's `useCached`: see {@link fetchSource} and {@link parseAs}. */
export function cachedFetchHook(useCached: UseCached): UseCachedFetch {
  return function useCachedFetch<T>(
    api: CachedFetch,
    input: RequestInfo | URL,
    init?: RequestInit,
    options: UseCachedFetchOptions<T> = {},
  ): UseCachedResult<T> {
    const { as = 'json', ...rest } = options
    return useCached(fetchSource(api), [input, init], { ...rest, select: parseAs<T>(as) })
  }
}
