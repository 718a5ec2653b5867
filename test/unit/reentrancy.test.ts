import { AsyncCache } from 'asynccache'
import { describe, expect, test } from 'vitest'

/** Listeners may call back into the cache: it must be whole whenever one runs. */
describe('listeners that use the cache while it tells them something', () => {
  test('an evict listener that deletes other entries during purgeExpired', () => {
    let t = 0
    const cache = new AsyncCache<string, string>({
      maxsize: 10,
      policy: 'LRU',
      ttl: 1,
      now: () => t,
    })
    for (const k of ['a', 'a:details', 'b', 'c']) cache.set(k, k.toUpperCase())
    cache.set('q', 'Q', { ttl: null })
    const evicted: string[] = []
    cache.subscribe((e) => {
      if (e.type !== 'evict') return
      evicted.push(e.key)
      if (e.key === 'a') cache.delete('a:details')
    })
    t = 5000
    expect(cache.purgeExpired()).toBe(3)
    // The listener's delete met 'a:details' expired: it left as an expired eviction, and the
    // walk did not meet it again.
    expect(evicted).toEqual(['a', 'a:details', 'b', 'c'])
    expect([...cache.keys()]).toEqual(['q'])
    cache.set('s', 'S')
    expect([cache.get('q'), cache.get('s'), cache.size]).toEqual(['Q', 'S', 2])
  })

  test('an evict listener that clears the cache while a set makes room', () => {
    const cache = new AsyncCache<string, number>({ maxsize: 2, policy: 'LRU' })
    cache.set('a', 1).set('b', 2)
    const off = cache.subscribe((e) => {
      if (e.type === 'evict') cache.clear()
    })
    cache.set('c', 3)
    off()
    cache.set('d', 4)
    expect(cache.size).toBeLessThanOrEqual(2)
    expect(cache.get('d')).toBe(4)
    expect([...cache.keys()].length).toBe(cache.size)
    for (const k of cache.keys()) expect(cache.peek(k)).toBe({ a: 1, b: 2, c: 3, d: 4 }[k])
  })

  test('a hit listener that evicts the entry being read does not change what get returns', async () => {
    const cache = new AsyncCache<string, string>({ maxsize: 1, policy: 'LRU' })
    cache.set('a', 'A')
    cache.subscribe((e) => {
      if (e.type === 'hit' && e.key === 'a') cache.set('b', 'B')
    })
    expect(cache.get('a')).toBe('A')
    cache.set('a', 'A')
    expect(await cache.getOrLoad('a', async () => 'loaded')).toBe('A')
  })

  test('a loader context with a bad ttl ends its load with load-error', async () => {
    const cache = new AsyncCache<string, number>({ maxsize: 2 })
    const events: string[] = []
    cache.subscribe((e) => events.push(e.type))
    const load = cache.getOrLoad('k', (_signal, context) => {
      context.ttl = 0
      return 1
    })
    await expect(load).rejects.toThrow(
      'getOrLoad: the loader set context.ttl must be a number of seconds greater than 0 (or null for no expiry), got 0',
    )
    expect(events).toEqual(['miss', 'load-start', 'load-error'])
  })
})

test('held callers handed over to a newer load are not rejected by its callers leaving', async () => {
  const cache = new AsyncCache<string, number>({ maxsize: 2 })
  let restore!: () => void
  cache.holdLoads(
    new Promise<void>((r) => {
      restore = r
    }),
    1000,
  )
  const started = new Promise<void>((resolve) => {
    cache.subscribe((e) => e.type === 'load-start' && resolve())
  })
  const first = cache.getOrLoad('x', async () => 1)
  cache.delete('x') // the first load will not be stored: a newer one takes over
  const leaving = new AbortController()
  const second = cache.getOrLoad('x', async () => 2, { signal: leaving.signal })
  restore()
  await started
  leaving.abort('caller 2 left')
  await expect(second).rejects.toBe('caller 2 left')
  expect(await first).toBe(2)
  expect(cache.getStats()).toMatchObject({ hits: 1, misses: 1 })
})
