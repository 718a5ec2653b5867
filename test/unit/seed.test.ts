/**
 * The Python original's documented examples, and each of its bugs that behaviour can show
 * (../shared/seed/upstream-behaviour.md), as tests. Bugs covered elsewhere are named here with
 * the test that covers them.
 */

import { AsyncCache, asyncCache, formatStats } from 'asynccache'
import { describe, expect, test, vi } from 'vitest'

describe('the documented examples', () => {
  test('get_stats dictionary: keys, formats and the 5-hits/1-miss example', async () => {
    const fetchUser = asyncCache({ maxsize: 256, ttl: 60 })(async (id: number) => ({ id }))
    for (let i = 0; i < 6; i++) await fetchUser(1)
    const cache = fetchUser.cacheInstance
    cache.resetStats()
    await fetchUser(2) // one miss...
    for (let i = 0; i < 5; i++) await fetchUser(2) // ...and five hits
    cache.updateProfiling(1_900_000)
    const stats = formatStats({
      ...cache.getStats(),
      avgTimeMs: 2.3,
      maxTimeMs: 4.1,
      minTimeMs: 1.9,
    })
    expect(Object.keys(stats)).toEqual([
      'hits',
      'misses',
      'hit_miss_ratio',
      'avg_time',
      'max_time',
      'min_time',
      'total_calls',
      'current_size',
      'max_size',
      'ttl_sec',
    ])
    expect(stats).toEqual({
      hits: 5,
      misses: 1,
      hit_miss_ratio: '0.8333',
      avg_time: '0.0023 s',
      max_time: '0.0041 s',
      min_time: '0.0019 s',
      total_calls: 2,
      current_size: 2,
      max_size: 256,
      ttl_sec: '60.0000',
    })
  })

  test('before any lookup or sample: 0.0000, 0.0000 s and None', () => {
    expect(formatStats(new AsyncCache({ maxsize: 3 }).getStats())).toEqual({
      hits: 0,
      misses: 0,
      hit_miss_ratio: '0.0000',
      avg_time: '0.0000 s',
      max_time: '0.0000 s',
      min_time: '0.0000 s',
      total_calls: 0,
      current_size: 0,
      max_size: 3,
      ttl_sec: 'None',
    })
  })

  test('the AsyncCache get_price pattern, rendered with get / set / updateProfiling', async () => {
    const cache = new AsyncCache<string, number>({ maxsize: 512, policy: 'LRU', ttl: 300 })
    const quote = vi.fn(async (ticker: string) => ticker.length * 10)
    async function getPrice(ticker: string) {
      const cached = cache.get(ticker)
      if (cached !== undefined) return cached
      const start = performance.now()
      const price = await quote(ticker)
      cache.updateProfiling((performance.now() - start) * 1e6)
      cache.set(ticker, price)
      return price
    }
    expect(await getPrice('ACME')).toBe(40)
    expect(await getPrice('ACME')).toBe(40)
    expect(quote).toHaveBeenCalledTimes(1)
    expect(cache.getStats()).toMatchObject({ hits: 1, misses: 1, totalCalls: 1 })
  })
})

describe('the original bugs, absent here', () => {
  test('an expired get under LRU does not crash', () => {
    let t = 0
    const cache = new AsyncCache<string, number>({
      maxsize: 2,
      policy: 'LRU',
      ttl: 1,
      now: () => t,
    })
    cache.set('a', 1)
    t = 5000
    expect(() => cache.get('a')).not.toThrow()
    expect(cache.get('a')).toBeUndefined()
  })

  test('an expired get under LFU evicts that key, not an unrelated one, and never serves it again', () => {
    let t = 0
    const cache = new AsyncCache<string, number>({
      maxsize: 3,
      policy: 'LFU',
      ttl: 1,
      now: () => t,
    })
    cache.set('old', 1)
    t = 900
    cache.set('fresh', 2)
    t = 1000
    expect(cache.get('old')).toBeUndefined()
    expect(cache.peek('fresh')).toBe(2)
    expect(cache.get('old')).toBeUndefined()
    expect(cache.getStats().hits).toBe(0)
  })

  test('maxsize 0 is refused at construction, not an IndexError on the first insert', () => {
    expect(() => new AsyncCache({ maxsize: 0 })).toThrow(RangeError)
  })

  test('five concurrent calls with the same key run the function once', async () => {
    const fn = vi.fn(async (x: number) => x)
    const cached = asyncCache()(fn)
    await Promise.all([1, 1, 1, 1, 1].map((x) => cached(x)))
    expect(fn).toHaveBeenCalledTimes(1)
  })

  // Covered elsewhere:
  // - expiry bookkeeping growing without bound: cache.test.ts "expired entries leave no bookkeeping behind"
  // - first argument keyed by id(): wrap.test.ts "equal strings share an entry", keys.test.ts
  //   "a mutated array gives a new key" and "identity keys are never reused"
  // - unhashable keyword arguments crashing: wrap.test.ts "object arguments are keyed by content"
  // - [1,2], (1,2), {1,2} colliding and sets ordered by iteration: keys.test.ts "type-tagged" and
  //   "order-independent"; generators consumed: keys.test.ts "a generator ... never consumed"
  // - HashableWrapper's hash/eq contract: keys.test.ts "equality is identity of the wrapped value"
  // - O(n) work per hit: the benchmarks (npm run bench)
})
