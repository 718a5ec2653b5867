import { AsyncCache, type CacheEventType } from 'asynccache'
import { describe, expect, test, vi } from 'vitest'

/**
 * Every event type, met by a listener that calls every public method on the event's key: the
 * cache it finds is whole (no throw, no console error), and afterwards every call settles,
 * nothing stays in flight and the cache is within its size.
 */

type Cache = AsyncCache<string, number>

const methods: Record<string, (cache: Cache, key: string) => unknown> = {
  get: (c, k) => c.get(k),
  peek: (c, k) => c.peek(k),
  has: (c, k) => c.has(k),
  set: (c, k) => c.set(k, 100),
  delete: (c, k) => c.delete(k),
  clear: (c) => c.clear(),
  resetStats: (c) => c.resetStats(),
  purgeExpired: (c) => c.purgeExpired(),
  getOrLoad: (c, k) => c.getOrLoad(k, async () => 200),
  getOrLoadSignal: (c, k) =>
    c.getOrLoad(k, async () => 300, { signal: new AbortController().signal }),
  getOrLoadAborted: (c, k) => {
    const controller = new AbortController()
    const p = c.getOrLoad(k, async () => 400, { signal: controller.signal })
    controller.abort('left')
    return p
  },
  refresh: (c, k) => c.getOrLoad(k, async () => 500, { refresh: true }),
  hit: (c, k) => c.hit(k),
  info: (c, k) => c.info(k),
  restore: (c, k) => c.restore(k, 600, null, 2),
  inspect: (c) => c.inspect(),
  dump: (c) => c.dump(),
  iterate: (c) => [...c.entries()],
}

/** Makes the cache emit `type` for key 'k' (among other events). */
const scenarios: Record<string, (cache: Cache, clock: { t: number }) => unknown> = {
  hit: (c) => {
    c.set('k', 1)
    return c.get('k')
  },
  miss: (c) => c.get('k'),
  set: (c) => c.set('k', 1),
  evict: (c) => c.set('k', 1).set('x', 2).set('y', 3),
  delete: (c) => {
    c.set('k', 1)
    return c.delete('k')
  },
  clear: (c) => {
    c.set('k', 1)
    c.clear()
  },
  stale: (c, clock) => {
    c.set('k', 1, { ttl: 1 })
    clock.t += 1500
    return c.getOrLoad('k', async () => 2)
  },
  'load-start': (c) => c.getOrLoad('k', async () => 3),
  'load-success': (c) => c.getOrLoad('k', async () => 4),
  'load-error': (c) =>
    c.getOrLoad('k', async () => {
      throw new Error('down')
    }),
}

const settle = async (value: unknown) => {
  if (value instanceof Promise) await value.catch(() => {})
}

describe.each(Object.keys(scenarios))('a %s listener', (type) => {
  test.each(Object.keys(methods))('that calls %s on the same key', async (method) => {
    const errors = vi.spyOn(console, 'error')
    const clock = { t: 0 }
    const cache: Cache = new AsyncCache({
      maxsize: 2,
      policy: 'LRU',
      staleWhileRevalidate: 10,
      now: () => clock.t,
    })
    const results: unknown[] = []
    let told = false
    cache.subscribe((e) => {
      if (e.type !== (type as CacheEventType) || told) return
      told = true
      results.push(methods[method](cache, 'key' in e && typeof e.key === 'string' ? e.key : 'k'))
    })
    results.push(scenarios[type](cache, clock))
    for (const result of results) await settle(result)
    for (let i = 0; i < 10; i++) await Promise.resolve()
    expect(told).toBe(true)
    // Whatever the listener called answered as it always does: getOrLoad with a promise.
    if (/getOrLoad|refresh/.test(method)) expect(results[0]).toBeInstanceOf(Promise)
    expect(errors).not.toHaveBeenCalled()
    expect(cache.size).toBeLessThanOrEqual(2)
    expect(cache.getStats().loadsInFlight).toBe(0)
    // Still usable for the key the listener touched.
    expect(await cache.getOrLoad('k', async () => 7, { refresh: true })).toBe(7)
    expect(cache.get('k')).toBe(7)
    errors.mockRestore()
  })
})
