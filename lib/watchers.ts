import type { CacheEvent, CacheListener } from './events.js'
import { ListenerList } from './subscribable.js'

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
  readonly #byKey = new Map<K, ListenerList<CacheEvent<K, V>>>()
  #unsubscribe: (() => void) | undefined

  constructor(readonly stream: EventStream<K, V>) {}

  add(key: K, listener: CacheListener<K, V>): () => void {
    let list = this.#byKey.get(key)
    if (list === undefined) {
      list = new ListenerList()
      this.#byKey.set(key, list)
    }
    const leave = list.add(listener as (event: CacheEvent<K, V>) => void, 'watch')
    this.#unsubscribe ??= this.stream.subscribe(this.#dispatch)
    const watched = list
    return () => {
      leave()
      if (watched.size > 0 || this.#byKey.get(key) !== watched) return
      this.#byKey.delete(key)
      if (this.#byKey.size === 0) {
        this.#unsubscribe?.()
        this.#unsubscribe = undefined
      }
    }
  }

  readonly #dispatch = (event: CacheEvent<K, V>): void => {
    if (UNCHANGED.has(event.type)) return
    const what = `a watcher threw on a '${event.type}' event`
    if (event.type === 'clear') {
      for (const list of [...this.#byKey.values()]) list.tell(event, what)
    } else if ('key' in event) {
      this.#byKey.get(event.key as K)?.tell(event, what)
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
  let watchers = watchersOf.get(cache) as Watchers<K, V> | undefined
  if (watchers === undefined) {
    watchers = new Watchers(cache)
    watchersOf.set(cache, watchers as Watchers<unknown, unknown>)
  }
  return watchers.add(key, listener)
}
