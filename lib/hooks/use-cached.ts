import {
  checkType,
  type Observable,
  type ObserveOptions,
  type ObserverSnapshot,
  observe,
} from '../index.js'
import { refetchOn } from './refetch-triggers.js'

/** Options of `useCached`: the observer's ({@link ObserveOptions}) and the hook's own. */
export interface UseCachedOptions<V, D = V> extends ObserveOptions<V, D> {
  /**
   * Suspend (throw the load's promise to the nearest `<Suspense>`) until there is data, and
   * throw a failure to the nearest error boundary. Default `false`.
   */
  suspense?: boolean
  /** Load the key if it is not fresh when the page is focused or visible again. Default `true`. */
  refetchOnFocus?: boolean
  /** Load the key if it is not fresh when the browser is back online. Default `true`. */
  refetchOnReconnect?: boolean
}

/** What `useCached` returns: the observer's snapshot, and `refresh()` to reload the key. */
export interface UseCachedResult<D> extends ObserverSnapshot<D> {
  /** Reloads the key even if it is fresh; never rejects (a failure shows as `error`). */
  refresh(): Promise<void>
}

/** `useCached`'s signature, the same in every framework. */
export type UseCached = <A extends unknown[], K, V, D = V>(
  source: Observable<A, K, V>,
  args: A,
  options?: UseCachedOptions<V, D>,
) => UseCachedResult<D>

/** The hooks of a framework that `useCached` is made of (React's and Preact's have them). */
export interface HookFramework {
  useState<S>(initial: () => S): [S, unknown]
  useEffect(effect: () => () => void, deps: unknown[]): void
  useMemo<T>(factory: () => T, deps: unknown[]): T
  useSyncExternalStore<T>(
    subscribe: (onChange: () => void) => () => void,
    getSnapshot: () => T,
    getServerSnapshot: () => T,
  ): T
}

/**
 * `useCached` made of a framework's hooks: one {@link observe} observer per component, its
 * arguments and options updated on every render, its snapshot read through
 * `useSyncExternalStore` (so the first render already shows a cached value), refetch triggers
 * while mounted.
 */
export function cachedHook(framework: HookFramework): UseCached {
  const { useState, useEffect, useMemo, useSyncExternalStore } = framework
  return function useCached<A extends unknown[], K, V, D = V>(
    source: Observable<A, K, V>,
    args: A,
    options: UseCachedOptions<V, D> = {},
  ): UseCachedResult<D> {
    checkType('useCached: suspense', options.suspense, 'boolean')
    checkType('useCached: refetchOnFocus', options.refetchOnFocus, 'boolean')
    checkType('useCached: refetchOnReconnect', options.refetchOnReconnect, 'boolean')
    // One observer per component and source: a new source (a data layer rebuilt) gets its own,
    // and the old one is left by useSyncExternalStore's resubscribing.
    const [held] = useState(() => ({ source, observer: observe(source, args, options) }))
    if (held.source !== source) {
      held.source = source
      held.observer = observe(source, args, options)
    }
    const { observer } = held
    observer.setArgs(args)
    observer.setOptions(options)
    const { subscribe, getSnapshot } = observer
    const snapshot = useSyncExternalStore(subscribe, getSnapshot, getSnapshot)
    const focus = options.refetchOnFocus !== false
    const reconnect = options.refetchOnReconnect !== false
    useEffect(() => refetchOn(observer, focus, reconnect), [observer, focus, reconnect])
    if (options.suspense === true && snapshot.data === undefined && options.enabled !== false) {
      if (snapshot.status === 'error') throw snapshot.error
      throw observer.suspend()
    }
    return useMemo(() => ({ ...snapshot, refresh: observer.refresh }), [snapshot, observer])
  }
}
