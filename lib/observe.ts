import type { AsyncCache } from './cache.js'
import { checkDelay, checkType, MAX_DELAY_MS } from './check.js'
import type { CacheEvent } from './events.js'
import type { LoadOptions } from './loading.js'

/**
 * What {@link observe} needs of a cached source: its cache, the key of a call and a way to call
 * it with one caller's options. A function wrapped by `asyncCache` is one, as it is.
 */
export interface Observable<A extends unknown[], K, V> {
  readonly cacheInstance: AsyncCache<K, V>
  keyOf(...args: A): K
  load(args: A, options?: LoadOptions): Promise<V>
}

/** `pending`: no data yet; `success`: data; `error`: the last load failed (data may remain). */
export type ObserverStatus = 'pending' | 'success' | 'error'

/**
 * What an observer shows, frozen, and the same object for as long as nothing in it changes (so
 * that React's `useSyncExternalStore` neither tears nor loops).
 */
export interface ObserverSnapshot<D> {
  /** The value (through `select`), fresh or stale; `undefined` while pending. */
  readonly data: D | undefined
  /** What the last load of this key rejected with, until a value is stored. */
  readonly error: unknown
  readonly status: ObserverStatus
  /** A load of this key is running (this observer's, or anyone's it has seen start). */
  readonly isFetching: boolean
  /** The data is past its TTL, is an earlier key's (`keepPrevious`), or there is none. */
  readonly isStale: boolean
  /**
   * When the observer saw the value stored, on the cache's clock (ms); `undefined` for a value
   * stored before it was watching.
   */
  readonly updatedAt: number | undefined
}

/** Options of {@link observe}. An explicit `undefined` means the default. */
export interface ObserveOptions<V, D = V> {
  /** `false`: load nothing (cached data is still shown). Default `true`. */
  enabled?: boolean
  /** While a new key has no data, keep showing the previous key's. Default `false`. */
  keepPrevious?: boolean
  /** Reload every this many ms while subscribed; 0 (the default) never. */
  refetchInterval?: number
  /**
   * Derives the data from the cached value; called once per stored value (memoised by its
   * identity), so a parse or projection is not redone on every snapshot.
   */
  select?: (value: V) => D
}

/** A live view of one cached call, for UI bindings: see {@link observe}. */
export interface Observer<A extends unknown[], V, D = V> {
  /** The current snapshot: the same object until something it shows changes. */
  getSnapshot(): ObserverSnapshot<D>
  /**
   * Calls `onChange` after every change of the snapshot. The first subscriber starts watching
   * the key and loads it when it has no fresh value; once the last one has left (checked a
   * microtask later, so that an unsubscribe-resubscribe pair, as in React StrictMode, keeps the
   * load going), this observer's load is aborted and watching stops.
   */
  subscribe(onChange: () => void): () => void
  /** Reloads the key even if it is fresh; never rejects (a failure goes to the snapshot). */
  refresh(): Promise<void>
  /** Loads the key if it has no fresh value (on focus, on reconnect); never rejects. */
  revalidate(): Promise<void>
  /**
   * Switches to the key of `args`. The snapshot follows at once; aborting the old key's load
   * and loading the new key happen a microtask later, so that a render may call it.
   */
  setArgs(args: A): void
  /** Changes the options; a change of `enabled` to `true` loads if needed. */
  setOptions(options: ObserveOptions<V, D>): void
  /**
   * A promise that settles once the key has a value or its load failed (the failure then shows
   * in the snapshot); the same promise for as long as the same load runs, for Suspense.
   */
  suspend(): Promise<void>
  /** Stops everything now: watching, timers, this observer's load. */
  destroy(): void
}

const noop = () => {}

/** The promise {@link Observer.suspend} hands out for each load promise, so that it is stable. */
const suspensions = new WeakMap<Promise<unknown>, Promise<void>>()

/**
 * Failures of loads that suspended, by cache and key: the component that suspended is rendered
 * anew (its observer discarded), and must find the failure to show it rather than load again.
 * Kept until the task after it was first read.
 */
const suspenseFailures = new WeakMap<object, Map<unknown, { error: unknown; read: boolean }>>()

function checkOptions<V, D>(options: ObserveOptions<V, D>): ObserveOptions<V, D> {
  if (options === null || typeof options !== 'object') {
    throw new TypeError(`observe: options must be an object, got ${String(options)}`)
  }
  checkType('observe: enabled', options.enabled, 'boolean')
  checkType('observe: keepPrevious', options.keepPrevious, 'boolean')
  checkType('observe: select', options.select, 'function')
  checkDelay('observe: refetchInterval', options.refetchInterval, 0)
  return options
}

/**
 * Watches one call of a cached function, `fn(...args)`, as a UI needs it: an immutable
 * snapshot `{ data, error, status, isFetching, isStale, updatedAt }` that changes with every
 * `set`, `delete`, refresh or load of its key, made by anyone. The framework-free core of the
 * `asynccache/react` and `asynccache/preact` hooks.
 *
 * The observer's loads carry its own `AbortSignal`, aborted by {@link Observer.destroy}, by the
 * last unsubscribe and by a change of arguments: only this observer leaves the load, which goes
 * on for the other callers of the key (single-flight, as for any `getOrLoad`).
 *
 * @example
 * ```ts
 * const user = observe(fetchUser, [42])
 * const stop = user.subscribe(() => render(user.getSnapshot()))
 * ```
 */
export function observe<A extends unknown[], K, V, D = V>(
  source: Observable<A, K, V>,
  args: A,
  options: ObserveOptions<V, D> = {},
): Observer<A, V, D> {
  const cache = source.cacheInstance
  let opts = checkOptions(options)
  let key = source.keyOf(...args)
  const listeners = new Set<() => void>()
  let controller = new AbortController()
  /** The key watched while subscribed: `key`, or the previous one until the microtask after a switch. */
  let watchedKey: K = key
  let unwatch: (() => void) | undefined
  let interval: ReturnType<typeof setInterval> | undefined
  let expiry: ReturnType<typeof setTimeout> | undefined
  /** Bumped by every subscribe and last unsubscribe: a parked deactivation checks it still holds. */
  let turn = 0
  /** Bumped per key: a load of an earlier key finishing changes nothing. */
  let generation = 0
  let own = 0
  let loadingSeen = false
  let error: unknown
  let updatedAt: number | undefined
  /**
   * The last value shown, kept when its entry expires or is evicted (then shown stale), until it
   * is deleted or cleared.
   */
  let held: { key: K; value: V } | undefined
  let selected: { value: V; data: D } | undefined
  let snapshot: ObserverSnapshot<D> | undefined

  /** Set while a snapshot is computed: an event its reading causes (an expired entry met) is in it already. */
  let computing = false
  const notify = () => {
    if (computing) return
    for (const listener of [...listeners]) listener()
  }

  const onEvent = (event: CacheEvent<K, V>) => {
    switch (event.type) {
      case 'set':
        error = undefined
        updatedAt = event.time
        failures()?.delete(key)
        break
      case 'load-start':
        loadingSeen = true
        break
      case 'load-success':
      case 'load-error':
        loadingSeen = false
        break
      case 'delete':
      case 'clear':
        // What is shown was removed on purpose (an invalidation): shown again once reloaded.
        if (event.type === 'clear' || event.existed) {
          held = undefined
          queueMicrotask(() => void (unwatch !== undefined && revalidate()))
        }
        break
    }
    scheduleExpiry()
    notify()
  }

  const failures = () => suspenseFailures.get(cache)

  /** Whether the key lacks a fresh value. */
  const needsLoad = () => {
    const info = cache.info(key)
    return info === undefined || (info.expiresAt !== null && cache.now() >= info.expiresAt)
  }

  function select(value: V): D {
    if (opts.select === undefined) return value as unknown as D
    if (selected === undefined || selected.value !== value) {
      selected = { value, data: opts.select(value) }
    }
    return selected.data
  }

  function compute(): ObserverSnapshot<D> {
    computing = true
    try {
      return snapshotNow()
    } finally {
      computing = false
    }
  }

  function snapshotNow(): ObserverSnapshot<D> {
    const info = cache.info(key)
    let has = info !== undefined
    let value = info?.value as V
    let isStale = info !== undefined && info.expiresAt !== null && cache.now() >= info.expiresAt
    if (info !== undefined) {
      held = { key, value }
    } else if (held !== undefined && (held.key === key || opts.keepPrevious === true)) {
      has = true
      value = held.value
      isStale = true
    }
    let failure = error
    if (failure === undefined && !has) {
      const suspended = failures()?.get(key)
      if (suspended !== undefined) {
        failure = suspended.error
        if (!suspended.read) {
          suspended.read = true
          setTimeout(() => failures()?.delete(key), 0)
        }
      }
    }
    let data: D | undefined
    if (has) {
      try {
        data = select(value)
      } catch (thrown) {
        failure ??= thrown
      }
    }
    const next = {
      data,
      error: failure,
      status: (failure !== undefined ? 'error' : has ? 'success' : 'pending') as ObserverStatus,
      isFetching: own > 0 || loadingSeen,
      isStale: isStale || !has,
      updatedAt,
    }
    const prev = snapshot
    const fields = Object.keys(next) as (keyof ObserverSnapshot<D>)[]
    if (prev !== undefined && fields.every((field) => prev[field] === next[field])) return prev
    snapshot = Object.freeze(next)
    return snapshot
  }

  /** Runs this observer's load of the current key; `refresh` loads over a fresh value. */
  function run(refresh: boolean): Promise<void> {
    const forKey = key
    const forGeneration = generation
    const signal = controller.signal
    let loading: Promise<V>
    try {
      loading = source.load(args, refresh ? { signal, refresh } : { signal })
    } catch (thrown) {
      loading = Promise.reject(thrown)
    }
    own++
    notify()
    return loading.then(
      (value) => {
        if (forGeneration !== generation) return
        // Not stored (the loader said so, or a delete won): shown all the same.
        if (cache.info(forKey) === undefined) held = { key: forKey, value }
        error = undefined
        settle()
      },
      (thrown: unknown) => {
        if (forGeneration !== generation) return
        if (!signal.aborted) error = thrown
        settle()
      },
    )
  }

  function settle() {
    own--
    notify()
  }

  function revalidate(): Promise<void> {
    if (opts.enabled === false || !needsLoad()) return Promise.resolve()
    return run(false)
  }

  /** Marks the snapshot stale when the value's TTL runs out (no event says so). */
  function scheduleExpiry() {
    clearTimeout(expiry)
    expiry = undefined
    if (unwatch === undefined) return
    const expiresAt = cache.info(key)?.expiresAt
    if (expiresAt === null || expiresAt === undefined) return
    const delay = expiresAt - cache.now()
    if (delay <= 0) return
    expiry = setTimeout(
      () => {
        expiry = undefined
        notify()
      },
      Math.min(delay, MAX_DELAY_MS),
    )
  }

  function startInterval() {
    clearInterval(interval)
    interval = undefined
    const every = opts.refetchInterval ?? 0
    if (unwatch !== undefined && every > 0 && opts.enabled !== false) {
      interval = setInterval(() => void run(true), every)
    }
  }

  function activate() {
    watchedKey = key
    unwatch = cache.watch(key, onEvent)
    scheduleExpiry()
    startInterval()
    void revalidate()
  }

  function deactivate() {
    unwatch?.()
    unwatch = undefined
    clearTimeout(expiry)
    clearInterval(interval)
    expiry = interval = undefined
    controller.abort()
    controller = new AbortController()
  }

  /** Brings the watched key in line with the current one (see setArgs). */
  function sync() {
    if (unwatch === undefined || Object.is(watchedKey, key)) return
    deactivate()
    activate()
  }

  const observer: Observer<A, V, D> = {
    getSnapshot: compute,
    subscribe(onChange) {
      if (typeof onChange !== 'function') {
        throw new TypeError(`subscribe: onChange must be a function, got ${typeof onChange}`)
      }
      listeners.add(onChange)
      turn++
      if (unwatch === undefined) activate()
      else sync()
      return () => {
        if (!listeners.delete(onChange) || listeners.size > 0) return
        const parked = ++turn
        queueMicrotask(() => {
          if (parked === turn && listeners.size === 0) deactivate()
        })
      }
    },
    refresh: () => (opts.enabled === false ? Promise.resolve() : run(true)),
    revalidate,
    setArgs(next) {
      const nextKey = source.keyOf(...next)
      args = next
      if (Object.is(nextKey, key)) return
      key = nextKey
      generation++
      own = 0
      loadingSeen = false
      error = undefined
      updatedAt = undefined
      queueMicrotask(sync)
    },
    setOptions(next) {
      const wasEnabled = opts.enabled !== false
      const changedInterval = next.refetchInterval !== opts.refetchInterval
      opts = checkOptions(next)
      if (changedInterval || wasEnabled !== (opts.enabled !== false)) startInterval()
      if (!wasEnabled && unwatch !== undefined) void revalidate()
    },
    suspend() {
      const loading = source.load(args)
      let suspension = suspensions.get(loading)
      if (suspension === undefined) {
        const forKey = key
        suspension = loading.then(noop, (thrown: unknown) => {
          const byKey = suspenseFailures.get(cache) ?? new Map()
          suspenseFailures.set(cache, byKey)
          byKey.set(forKey, { error: thrown, read: false })
        })
        suspensions.set(loading, suspension)
      }
      return suspension
    },
    destroy() {
      listeners.clear()
      turn++
      deactivate()
    },
  }
  return observer
}
