import type { AsyncCache, CacheEvent, CacheEventType } from 'asynccache'

/** Records a cache's events from now on as `type key` strings (`type` for events without a key). */
export function record<V>(cache: AsyncCache<string, V>): string[] {
  const events: string[] = []
  cache.subscribe((e) => events.push('key' in e ? `${e.type} ${String(e.key)}` : e.type))
  return events
}

/** Resolves with the cache's next event of `type`: a way to wait for background work without timers. */
export function nextEvent<V, T extends CacheEventType>(
  cache: AsyncCache<string, V>,
  type: T,
): Promise<Extract<CacheEvent<string, V>, { type: T }>> {
  return new Promise((resolve) => {
    const unsubscribe = cache.subscribe((event) => {
      if (event.type !== type) return
      unsubscribe()
      resolve(event as Extract<CacheEvent<string, V>, { type: T }>)
    })
  })
}
