import type { CacheEvent, CacheListener } from './events.js'

/** What watching needs of a cache: its event stream. */
interface EventStream<K, V> {
  subscribe(listener: CacheListener<K, V>): () => void
}

/** Lookups and statistics change nothing a watcher shows. */
const UNCHANGED = new Set(['hit', 'miss', 'stats-reset'])

/**
 * The watchers of one cache, by key, so that an event costs one `Map` lookup however many keys
 * are watched. Subscribed to the cache's stream only while some key is watched: a cache nobody
 * watches pays nothing.
 */
class Watchers<K, V> {
  /** Copied on write, so that dispatching never copies and a watcher may leave mid-event. */
  readonly #byKey = new Map<K, CacheListener<K, V>[]>()
  #unsubscribe: (() => void) | undefined

  constructor(readonly stream: EventStream<K, V>) {}

  add(key: K, listener: CacheListener<K, V>): () => void {
    this.#byKey.set(key, [...(this.#byKey.get(key) ?? []), listener])
    this.#unsubscribe ??= this.stream.subscribe(this.#dispatch)
    let watching = true
    return () => {
      if (!watching) return
      watching = false
      const list = this.#byKey.get(key) ?? []
      const at = list.indexOf(listener)
      const rest = [...list.slice(0, at), ...list.slice(at + 1)]
      if (rest.length > 0) this.#byKey.set(key, rest)
      else this.#byKey.delete(key)
      if (this.#byKey.size === 0) {
        this.#unsubscribe?.()
        this.#unsubscribe = undefined
      }
    }
  }

  readonly #dispatch = (event: CacheEvent<K, V>): void => {
    if (UNCHANGED.has(event.type)) return
    if (event.type === 'clear') {
      for (const list of [...this.#byKey.values()]) tell(list, event)
    } else if ('key' in event) {
      const list = this.#byKey.get(event.key as K)
      if (list !== undefined) tell(list, event)
    }
  }
}

function tell<K, V>(list: CacheListener<K, V>[], event: CacheEvent<K, V>): void {
  for (const listener of list) {
    try {
      listener(event)
    } catch (error) {
      console.error(`asynccache: a watcher threw on a '${event.type}' event`, error)
    }
  }
}

const watchersOf = new WeakMap<object, Watchers<unknown, unknown>>()

/** Calls `listener` with every event that changes `key` in `cache`; see `AsyncCache.watch`. */
export function watchKey<K, V>(
  cache: EventStream<K, V>,
  key: K,
  listener: CacheListener<K, V>,
): () => void {
  if (typeof listener !== 'function') {
    throw new TypeError(`watch: listener must be a function, got ${typeof listener}`)
  }
  let watchers = watchersOf.get(cache) as Watchers<K, V> | undefined
  if (watchers === undefined) {
    watchers = new Watchers(cache)
    watchersOf.set(cache, watchers as Watchers<unknown, unknown>)
  }
  return watchers.add(key, listener)
}
