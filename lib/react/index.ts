/**
 * `asynccache/react`: the hooks for React 18 and 19, over the core's `observe`.
 *
 * @example
 * ```tsx
 * const fetchUser = asyncCache({ ttl: 60 })(async (id: number) => (await fetch(`/api/users/${id}`)).json())
 * function User({ id }: { id: number }) {
 *   const { data, status } = useCached(fetchUser, [id])
 *   return status === 'success' ? <p>{data.name}</p> : <p>Loading...</p>
 * }
 * ```
 */
import { useEffect, useMemo, useState, useSyncExternalStore } from 'react'
import { cachedHook } from '../hooks/use-cached.js'
import { cachedFetchHook } from '../hooks/use-cached-fetch.js'

export type { UseCached, UseCachedOptions, UseCachedResult } from '../hooks/use-cached.js'
export type { UseCachedFetch, UseCachedFetchOptions } from '../hooks/use-cached-fetch.js'

/**
 * The snapshot of one cached call, `source(...args)`, kept up to date: `{ data, error, status,
 * isFetching, isStale, updatedAt, refresh }`. See the README's "Hooks" section.
 */
export const useCached = /* @__PURE__ */ cachedHook({
  useEffect,
  useMemo,
  useState,
  useSyncExternalStore,
})

/** {@link useCached} for a `cachedFetch`: the body parsed as `options.as` says, once per response. */
export const useCachedFetch = /* @__PURE__ */ cachedFetchHook(useCached)
