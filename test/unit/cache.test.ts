import {
  AsyncCache,
  type CacheEvent,
  listCaches,
  onCachesChange,
  unregisterCache,
} from 'asynccache'
import { afterEach, describe, expect, test, vi } from 'vitest'

function clock(start = 1_000) {
  const c = { t: start, now: () => c.t }
  return c
}

afterEach(() => {
  vi.restoreAllMocks()
})

describe('options', () => {
  test.each([
    [{ maxsize: 0 }, RangeError, 'maxsize must be a positive integer (1 or more), got 0'],
    [{ maxsize: -3 }, RangeError, 'maxsize must be a positive integer (1 or more), got -3'],
    [{ maxsize: 1.5 }, RangeError, 'maxsize must be a positive integer (1 or more), got 1.5'],
    [{ maxsize: '10' }, TypeError, 'maxsize must be a positive integer (1 or more), got "10"'],
    [{}, TypeError, 'maxsize must be a positive integer (1 or more), got undefined'],
    [
      { maxsize: 1, policy: 'lru' },
      TypeError,
      `policy must be 'LRU', 'LFU' or 'ADAPTIVE', got "lru"`,
    ],
    [
      { maxsize: 1, ttl: 0 },
      RangeError,
      'ttl must be a number of seconds greater than 0 (or null for no expiry), got 0',
    ],
    [
      { maxsize: 1, ttl: -1 },
      RangeError,
      'ttl must be a number of seconds greater than 0 (or null for no expiry), got -1',
    ],
    [
      { maxsize: 1, ttl: '60' },
      TypeError,
      'ttl must be a number of seconds greater than 0 (or null for no expiry), got "60"',
    ],
    [
      { maxsize: 1, ttl: Number.NaN },
      RangeError,
      'ttl must be a number of seconds greater than 0 (or null for no expiry), got NaN',
    ],
    [
      { maxsize: 1, staleWhileRevalidate: -1 },
      RangeError,
      'staleWhileRevalidate must be a number of seconds, 0 or more, got -1',
    ],
    [{ maxsize: 1, name: 5 }, TypeError, 'name must be a string, got 5'],
    [{ maxsize: 1, now: 5 }, TypeError, 'now must be a function, got 5'],
  ])(
    '%j throws a %o naming the option, the value and what is allowed',
    (options, type, message) => {
      expect(() => new AsyncCache(options as never)).toThrow(type)
      expect(() => new AsyncCache(options as never)).toThrow(message)
    },
  )

  test('no options object at all is refused with a hint', () => {
    expect(() => new AsyncCache(undefined as never)).toThrow(
      /options must be an object such as \{ maxsize: 100 \}/,
    )
  })

  test('defaults follow the Python original: LFU, no TTL', () => {
    const cache = new AsyncCache({ maxsize: 2 })
    expect([cache.policy, cache.ttl, cache.staleWhileRevalidate, cache.maxsize]).toEqual([
      'LFU',
      null,
      0,
      2,
    ])
  })

  test('a per-entry ttl is validated like the option', () => {
    const cache = new AsyncCache({ maxsize: 2 })
    expect(() => cache.set('a', 1, { ttl: -5 })).toThrow(
      'ttl must be a number of seconds greater than 0 (or null for no expiry), got -5',
    )
  })
})

describe('get, peek, has, set, delete', () => {
  test('get returns undefined on a miss and counts hits and misses', () => {
    const cache = new AsyncCache<string, number>({ maxsize: 2 })
    expect(cache.get('a')).toBeUndefined()
    cache.set('a', 1)
    expect(cache.get('a')).toBe(1)
    expect(cache.getStats()).toMatchObject({ hits: 1, misses: 1, hitRatio: 0.5 })
  })

  test('peek and has neither count nor change recency', () => {
    const cache = new AsyncCache<string, number>({ maxsize: 2, policy: 'LRU' })
    cache.set('a', 1).set('b', 2)
    expect(cache.peek('a')).toBe(1)
    expect(cache.has('a')).toBe(true)
    cache.set('c', 3) // 'a' is still least recently used
    expect(cache.has('a')).toBe(false)
    expect(cache.getStats()).toMatchObject({ hits: 0, misses: 0 })
  })

  test('has tells a cached undefined from a miss, and reading it is a hit', () => {
    const cache = new AsyncCache<string, undefined>({ maxsize: 2 })
    cache.set('u', undefined)
    expect(cache.has('u')).toBe(true)
    expect(cache.has('v')).toBe(false)
    expect(cache.get('u')).toBeUndefined()
    expect(cache.getStats().hits).toBe(1)
  })

  test('delete removes one entry and says whether there was one', () => {
    const cache = new AsyncCache<string, number>({ maxsize: 2 })
    cache.set('a', 1)
    expect(cache.delete('a')).toBe(true)
    expect(cache.delete('a')).toBe(false)
    expect(cache.size).toBe(0)
  })

  test('clear removes everything and resets all statistics, as in the original', () => {
    const cache = new AsyncCache<string, number>({ maxsize: 1 })
    cache.set('a', 1).set('b', 2)
    cache.get('b')
    cache.get('x')
    cache.updateProfiling(5e6)
    cache.clear()
    expect(cache.size).toBe(0)
    expect(cache.getStats()).toMatchObject({
      hits: 0,
      misses: 0,
      totalCalls: 0,
      avgTimeMs: 0,
      evictions: { capacity: 0, expired: 0 },
    })
    cache.set('c', 3)
    expect(cache.get('c')).toBe(3)
  })

  test('resetStats zeroes the counters and keeps the entries', () => {
    const cache = new AsyncCache<string, number>({ maxsize: 2 })
    cache.set('a', 1)
    cache.get('a')
    cache.resetStats()
    expect(cache.getStats()).toMatchObject({ hits: 0, misses: 0, size: 1 })
  })

  test('grows its slot arrays past the initial capacity up to maxsize', () => {
    const cache = new AsyncCache<number, number>({ maxsize: 1000, policy: 'LRU' })
    for (let i = 0; i < 1500; i++) cache.set(i, i)
    expect(cache.size).toBe(1000)
    expect(cache.get(499)).toBeUndefined()
    expect(cache.get(500)).toBe(500)
    expect([...cache.keys()].slice(0, 2)).toEqual([500, 1499])
  })
})

describe('eviction', () => {
  test('LRU evicts the least recently used', () => {
    const cache = new AsyncCache<string, number>({ maxsize: 3, policy: 'LRU' })
    cache.set('a', 1).set('b', 2).set('c', 3)
    cache.get('a')
    cache.set('d', 4)
    expect([...cache.keys()]).toEqual(['d', 'a', 'c'])
    expect(cache.getStats().evictions).toEqual({ capacity: 1, expired: 0 })
  })

  test('LFU evicts the least frequently used, ties to the least recently used', () => {
    const cache = new AsyncCache<string, number>({ maxsize: 3, policy: 'LFU' })
    cache.set('a', 1).set('b', 2).set('c', 3)
    cache.get('a')
    cache.get('a')
    cache.get('c') // b: 1 use, c: 2 uses, a: 3 uses
    cache.set('d', 4) // evicts b
    expect(cache.has('b')).toBe(false)
    cache.set('e', 5) // d and e have 1 use each... d is older, so d goes
    expect([...cache.keys()]).toEqual(['a', 'c', 'e'])
  })

  test('LFU: a set on an existing key counts as a use; a re-inserted key starts at 1', () => {
    const cache = new AsyncCache<string, number>({ maxsize: 2, policy: 'LFU' })
    cache.set('a', 1).set('b', 2).set('a', 10)
    cache.set('c', 3) // b (1 use) leaves, a (2 uses) stays
    expect(cache.peek('a')).toBe(10)
    expect(cache.has('b')).toBe(false)
    cache.delete('a')
    cache.set('a', 1)
    expect(cache.inspect().find((e) => e.key === 'a')?.frequency).toBe(1)
  })
})

describe('time to live', () => {
  test('an entry is fresh until its expiry, then gone from get, peek, has and iteration', () => {
    const c = clock()
    const cache = new AsyncCache<string, number>({ maxsize: 3, ttl: 1.5, now: c.now })
    cache.set('a', 1)
    c.t += 1499
    expect(cache.peek('a')).toBe(1)
    c.t += 1
    expect(cache.peek('a')).toBeUndefined()
    expect(cache.has('a')).toBe(false)
    expect([...cache.keys()]).toEqual([])
    expect(cache.get('a')).toBeUndefined()
  })

  test('an expired entry is removed when met, and counted as an expired eviction', () => {
    const c = clock()
    const cache = new AsyncCache<string, number>({ maxsize: 3, ttl: 1, now: c.now })
    cache.set('a', 1).set('b', 2)
    c.t += 1000
    expect(cache.get('a')).toBeUndefined()
    expect(cache.size).toBe(1)
    expect(cache.getStats()).toMatchObject({ misses: 1, evictions: { capacity: 0, expired: 1 } })
  })

  test('per-entry ttl overrides the cache default, null meaning never', () => {
    const c = clock()
    const cache = new AsyncCache<string, number>({ maxsize: 3, ttl: 1, now: c.now })
    cache.set('short', 1, { ttl: 0.1 }).set('never', 2, { ttl: null }).set('default', 3)
    c.t += 100
    expect(cache.has('short')).toBe(false)
    expect(cache.has('default')).toBe(true)
    c.t += 10_000_000
    expect(cache.has('never')).toBe(true)
    expect(cache.has('default')).toBe(false)
  })

  test('a per-entry ttl works in a cache without a default ttl', () => {
    const c = clock()
    const cache = new AsyncCache<string, number>({ maxsize: 3, now: c.now })
    cache.set('a', 1, { ttl: 1 }).set('b', 2)
    c.t += 1000
    expect([...cache.keys()]).toEqual(['b'])
  })

  test('a set refreshes the expiry', () => {
    const c = clock()
    const cache = new AsyncCache<string, number>({ maxsize: 3, ttl: 1, now: c.now })
    cache.set('a', 1)
    c.t += 900
    cache.set('a', 2)
    c.t += 900
    expect(cache.get('a')).toBe(2)
  })

  test('time 0 is a time like any other on an injected clock', () => {
    const cache = new AsyncCache<string, number>({ maxsize: 2, ttl: 1, now: () => 0 })
    cache.set('a', 1)
    expect(cache.inspect()[0]).toMatchObject({ ageMs: 0, ttlRemainingMs: 1000 })
    const restored = new AsyncCache<string, number>({ maxsize: 2, now: () => 5 })
    expect(restored.restore('x', 1, 0)).toBe('expired') // expired at 0, not "never"
  })

  test('purgeExpired removes every expired entry and says how many', () => {
    const c = clock()
    const cache = new AsyncCache<number, number>({ maxsize: 10, ttl: 1, now: c.now })
    for (let i = 0; i < 5; i++) cache.set(i, i)
    cache.set(9, 9, { ttl: 10 })
    c.t += 1000
    expect(cache.purgeExpired()).toBe(5)
    expect(cache.size).toBe(1)
  })

  test('expired entries leave no bookkeeping behind: a full cache keeps working for ever', () => {
    const c = clock()
    const cache = new AsyncCache<number, number>({ maxsize: 4, policy: 'LRU', ttl: 1, now: c.now })
    for (let i = 0; i < 10_000; i++) {
      cache.set(i, i)
      if (i % 3 === 0) c.t += 400
      expect(cache.size).toBeLessThanOrEqual(4)
    }
    expect(cache.get(9999)).toBe(9999)
  })

  test('the default clock never runs backwards', () => {
    const spy = vi.spyOn(Date, 'now')
    spy.mockReturnValue(5_000)
    const cache = new AsyncCache<string, number>({ maxsize: 2, ttl: 1 })
    cache.set('a', 1)
    spy.mockReturnValue(4_000) // the system clock steps back
    expect(cache.now()).toBe(5_000)
    expect(cache.has('a')).toBe(true)
    spy.mockReturnValue(6_000)
    expect(cache.has('a')).toBe(false)
  })

  test("fake timers move the default clock at once, as an app's tests expect", () => {
    vi.useFakeTimers()
    try {
      const cache = new AsyncCache<string, number>({ maxsize: 2, ttl: 1 })
      cache.set('a', 1)
      vi.advanceTimersByTime(999)
      expect(cache.get('a')).toBe(1)
      vi.advanceTimersByTime(1)
      expect(cache.get('a')).toBeUndefined()
    } finally {
      vi.useRealTimers()
    }
  })

  test('a stale entry (inside the stale-while-revalidate window) is a miss for get, kept for getOrLoad', () => {
    const c = clock()
    const cache = new AsyncCache<string, number>({
      maxsize: 2,
      ttl: 1,
      staleWhileRevalidate: 10,
      now: c.now,
    })
    cache.set('a', 1)
    c.t += 5000
    expect(cache.get('a')).toBeUndefined()
    expect(cache.size).toBe(1)
    expect(cache.inspect()[0]).toMatchObject({ key: 'a', stale: true, ttlRemainingMs: -4000 })
    c.t += 6000
    expect(cache.inspect()).toEqual([]) // meeting it, even through inspect, removes it
    expect(cache.size).toBe(0)
    expect(cache.getStats().evictions.expired).toBe(1)
  })
})

describe('iteration, inspect, dump and load', () => {
  test('keys, values, entries and the iterator go hottest first and do not touch recency', () => {
    const cache = new AsyncCache<string, number>({ maxsize: 3, policy: 'LRU' })
    cache.set('a', 1).set('b', 2).set('c', 3)
    expect([...cache.keys()]).toEqual(['c', 'b', 'a'])
    expect([...cache.values()]).toEqual([3, 2, 1])
    expect([...cache]).toEqual([
      ['c', 3],
      ['b', 2],
      ['a', 1],
    ])
    expect([...cache.entries()]).toEqual([...cache])
    cache.set('d', 4)
    expect(cache.has('a')).toBe(false)
  })

  test('a walk yields only what is fresh when it reaches it, however long its consumer takes', () => {
    const c = clock(0)
    const cache = new AsyncCache<string, number>({ maxsize: 4, ttl: 1, now: c.now })
    cache.set('a', 1)
    c.t = 500
    cache.set('b', 2)
    const seen: string[] = []
    for (const key of cache.keys()) {
      seen.push(key)
      c.t = 1_200 // 'a' expires while the consumer works on 'b'
    }
    expect(seen).toEqual(['b'])
    expect(cache.peek('a')).toBeUndefined()
  })

  // A walk purges first, and the purge tells evict listeners, which may move the clock or store
  // entries: what the walk then shows is judged after them, not with the reading before.
  test.each<[string, (cache: AsyncCache<string, number>) => unknown]>([
    ['inspect', (c) => c.inspect().map((e) => [e.key, e.ageMs, e.ttlRemainingMs])],
    ['dump', (c) => c.dump().map((r) => [r.key, r.expiresAt])],
    ['a walk of the keys', (c) => [...c.keys()]],
  ])('%s judges what it shows after the evict listeners its purge told', (_, call) => {
    const c = clock(0)
    const cache = new AsyncCache<string, number>({ maxsize: 4, ttl: 10, now: c.now })
    cache.set('old', 0, { ttl: 1 })
    cache.set('soon', 0, { ttl: 3 }) // fresh at 2 s, expired at 3 s
    cache.subscribe((event) => {
      if (event.type === 'evict' && event.key === 'old') {
        c.t += 1_000
        cache.set('new', 1)
      }
    })
    c.t = 2_000
    const shown = call(cache)
    expect(shown).toEqual(
      call(new AsyncCache<string, number>({ maxsize: 4, ttl: 10, now: c.now }).set('new', 1)),
    )
  })

  test('inspect gives rank, frequency, age and remaining TTL', () => {
    const c = clock()
    const cache = new AsyncCache<string, number>({ maxsize: 3, policy: 'LFU', ttl: 10, now: c.now })
    cache.set('a', 1)
    c.t += 2000
    cache.set('b', 2)
    cache.get('a')
    expect(cache.inspect()).toEqual([
      {
        key: 'a',
        value: 1,
        rank: 0,
        frequency: 2,
        ageMs: 2000,
        ttlRemainingMs: 8000,
        stale: false,
      },
      { key: 'b', value: 2, rank: 1, frequency: 1, ageMs: 0, ttlRemainingMs: 10000, stale: false },
    ])
  })

  test('inspect under LRU without TTL: no frequency, no expiry, age unknown until someone listens', () => {
    const c = clock()
    const cache = new AsyncCache<string, number>({ maxsize: 3, policy: 'LRU', now: c.now })
    cache.set('a', 1)
    cache.subscribe(() => {})
    cache.set('b', 2)
    c.t += 50
    expect(cache.inspect()).toEqual([
      {
        key: 'b',
        value: 2,
        rank: 0,
        frequency: undefined,
        ageMs: 50,
        ttlRemainingMs: null,
        stale: false,
      },
      {
        key: 'a',
        value: 1,
        rank: 1,
        frequency: undefined,
        ageMs: null,
        ttlRemainingMs: null,
        stale: false,
      },
    ])
  })

  test.each(['LRU', 'LFU'] as const)(
    '%s: dump then restore brings back values, expiries and the eviction order',
    (policy) => {
      const c = clock()
      const a = new AsyncCache<string, number>({ maxsize: 3, policy, ttl: 10, now: c.now })
      a.set('x', 1).set('y', 2).set('z', 3, { ttl: null })
      a.get('x')
      a.get('x')
      a.get('z')
      const records = a.dump()
      expect(records.map((r) => r.key)).toEqual(
        policy === 'LRU' ? ['y', 'x', 'z'] : ['y', 'z', 'x'],
      )
      c.t += 4000
      const b = new AsyncCache<string, number>({ maxsize: 3, policy, ttl: 10, now: c.now })
      const results = records
        .reverse()
        .map((r) => b.restore(r.key, r.value, r.expiresAt, r.frequency))
      expect(results).toEqual(['restored', 'restored', 'restored'])
      expect(b.inspect()).toEqual(a.inspect().map((e) => ({ ...e, ageMs: null })))
      b.set('w', 4) // the coldest goes, in both
      a.set('w', 4)
      expect([...b.keys()]).toEqual([...a.keys()])
    },
  )

  test('restore skips expired records and keys in memory, ranks restored entries below memory, keeps the hottest', () => {
    const c = clock()
    const cache = new AsyncCache<string, number>({ maxsize: 2, policy: 'LRU', now: c.now })
    cache.set('mem', 0)
    // Hottest first.
    expect([
      cache.restore('hot', 3, c.t + 1000),
      cache.restore('cold', 2, null),
      cache.restore('mem', 99, null),
      cache.restore('gone', 1, c.t - 1),
    ]).toEqual(['restored', 'outranked', 'held', 'expired'])
    expect(cache.peek('mem')).toBe(0) // memory is newer than the dump
    expect([...cache.keys()]).toEqual(['mem', 'hot']) // 'cold' would have been the next victim
  })

  test('LFU restore: a restored frequent entry outranks a rarely used one in memory, not an equal one', () => {
    const cache = new AsyncCache<string, number>({ maxsize: 2, policy: 'LFU' })
    cache.set('rare', 1).set('used', 2)
    cache.get('used')
    cache.get('used') // used: 3 uses, rare: 1
    expect(cache.restore('popular', 3, null, 5)).toBe('restored')
    expect([...cache.keys()]).toEqual(['popular', 'used'])
    expect(cache.restore('tied', 4, null, 3)).toBe('outranked')
    expect(cache.inspect().map((e) => [e.key, e.frequency])).toEqual([
      ['popular', 5],
      ['used', 3],
    ])
  })

  test('info gives one entry as dump would, without marking a use', () => {
    const c = clock()
    const cache = new AsyncCache<string, number>({ maxsize: 2, policy: 'LFU', ttl: 10, now: c.now })
    cache.set('a', 1).set('b', 2)
    cache.get('a')
    expect(cache.info('a')).toEqual({ key: 'a', value: 1, expiresAt: c.t + 10_000, frequency: 2 })
    expect(cache.info('a')).toEqual(cache.dump().find((r) => r.key === 'a'))
    expect(cache.info('zzz')).toBeUndefined()
    cache.set('c', 3) // b leaves: info did not count as a use of b... nor of a
    expect(cache.has('b')).toBe(false)
    c.t += 10_000
    expect(cache.info('a')).toBeUndefined()
  })

  test('restore refuses malformed records with a clear error', () => {
    const cache = new AsyncCache<string, number>({ maxsize: 2 })
    expect(() => cache.restore('a', 1, 'soon' as never)).toThrow(
      'restore: expiresAt must be a time on the cache clock in ms, or null for never, got "soon"',
    )
    expect(() => cache.restore('a', 1, Number.NaN)).toThrow(RangeError)
    expect(() => cache.restore('a', 1, null, 0)).toThrow(
      'restore: frequency must be a positive integer, got 0',
    )
  })
})

declare module '../../lib/index.js' {
  interface EntryAnnotations {
    /** Added by the inspector test below. */
    tagged?: boolean
  }
}

test('inspectors annotate the entries inspect returns, until removed', () => {
  const cache = new AsyncCache<string, number>({ maxsize: 3 })
  cache.set('a', 1).set('b', 2)
  const remove = cache.addInspector((key) => ({ tagged: key === 'a' }))
  expect(cache.inspect().map((e) => [e.key, e.tagged])).toEqual([
    ['b', false],
    ['a', true],
  ])
  remove()
  expect(cache.inspect()[0].tagged).toBeUndefined()
  expect(() => cache.addInspector(5 as never)).toThrow(
    'addInspector: inspector must be a function, got number',
  )
})

describe('statistics', () => {
  test('updateProfiling records samples; getStats reports average, minimum and maximum in ms', () => {
    const cache = new AsyncCache({ maxsize: 1, ttl: 60 })
    expect(cache.getStats()).toMatchObject({
      totalCalls: 0,
      avgTimeMs: 0,
      minTimeMs: 0,
      maxTimeMs: 0,
    })
    cache.updateProfiling(1_900_000)
    cache.updateProfiling(4_100_000)
    cache.updateProfiling(900_000)
    expect(cache.getStats()).toMatchObject({
      totalCalls: 3,
      avgTimeMs: 2.3,
      minTimeMs: 0.9,
      maxTimeMs: 4.1,
      ttl: 60,
      maxsize: 1,
    })
  })

  test.each([-1, Number.NaN, Number.POSITIVE_INFINITY, '5'])(
    'updateProfiling(%s) is refused',
    (bad) => {
      const cache = new AsyncCache({ maxsize: 1 })
      expect(() => cache.updateProfiling(bad as never)).toThrow(
        /execTimeNs must be a finite number of nanoseconds >= 0/,
      )
    },
  )
})

describe('events', () => {
  function recorded(cache: AsyncCache<string, number>) {
    const events: CacheEvent<string, number>[] = []
    cache.subscribe((e) => events.push(e))
    return events
  }

  test('hit, miss, set, evict, delete, clear and stats-reset carry their key and the cache clock time', () => {
    const c = clock(42)
    const cache = new AsyncCache<string, number>({ maxsize: 1, policy: 'LRU', now: c.now })
    const events = recorded(cache)
    cache.set('a', 1)
    cache.get('a')
    cache.get('z')
    cache.set('b', 2)
    cache.delete('b')
    cache.resetStats()
    cache.set('c', 3)
    cache.clear()
    expect(events).toEqual([
      { type: 'set', key: 'a', value: 1, time: 42 },
      { type: 'hit', key: 'a', time: 42 },
      { type: 'miss', key: 'z', time: 42 },
      { type: 'evict', key: 'a', value: 1, reason: 'capacity', time: 42 },
      { type: 'set', key: 'b', value: 2, time: 42 },
      { type: 'delete', key: 'b', existed: true, time: 42 },
      { type: 'stats-reset', time: 42 },
      { type: 'set', key: 'c', value: 3, time: 42 },
      { type: 'clear', count: 1, time: 42 },
    ])
  })

  test('a delete of a key the cache does not hold is told too, for layers that hold it elsewhere', () => {
    const cache = new AsyncCache<string, number>({ maxsize: 1, now: () => 1 })
    const events = recorded(cache)
    expect(cache.delete('absent')).toBe(false)
    expect(events).toEqual([{ type: 'delete', key: 'absent', existed: false, time: 1 }])
  })

  test('expiry is reported as an evict with reason expired', () => {
    const c = clock()
    const cache = new AsyncCache<string, number>({ maxsize: 2, ttl: 1, now: c.now })
    const events = recorded(cache)
    cache.set('a', 1)
    c.t += 1000
    cache.get('a')
    expect(events.slice(1).map((e) => e.type === 'evict' && e.reason)).toEqual(['expired', false])
  })

  test('unsubscribe stops delivery; a throwing listener is reported and does not stop the others', () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => {})
    const cache = new AsyncCache<string, number>({ maxsize: 2 })
    const seen: string[] = []
    cache.subscribe(() => {
      throw new Error('boom')
    })
    const off = cache.subscribe((e) => seen.push(e.type))
    cache.set('a', 1)
    expect(seen).toEqual(['set'])
    expect(cache.get('a')).toBe(1)
    expect(error).toHaveBeenCalledWith(
      "asynccache: a listener threw on a 'set' event",
      expect.any(Error),
    )
    off()
    cache.set('b', 2)
    expect(seen).toEqual(['set', 'hit'])
  })

  test('listening says whether anyone listens; publish puts a layer event on the same stream', () => {
    const c = clock(7)
    const cache = new AsyncCache<string, number>({ maxsize: 2, now: c.now })
    expect(cache.listening).toBe(false)
    const events = recorded(cache)
    expect(cache.listening).toBe(true)
    cache.publish({ type: 'load-start', key: 'k' })
    expect(events).toEqual([{ type: 'load-start', key: 'k', time: 7 }])
  })

  // The README's `now` option says which calls: the hot path's, not a load's store or a tool's walk.
  test('with no listener and no TTL the hot path never reads the clock, so builds no event', async () => {
    const cache = new AsyncCache<string, number>({ maxsize: 2 })
    const now = vi.fn(cache.now)
    const watched = new AsyncCache<string, number>({ maxsize: 2, now })
    watched.set('a', 1)
    watched.get('a')
    watched.get('b')
    watched.peek('a')
    watched.has('a')
    expect(await watched.getOrLoad('a', async () => 2)).toBe(1)
    expect(await watched.hit('a')).toBe(1)
    watched.delete('a')
    // Events are stamped with the clock; a cache without TTL and listeners never reads it.
    expect(now).not.toHaveBeenCalled()
  })

  // A reading of the wall clock costs more than the rest of a hit (Date.now about 35 ns here,
  // a TTL set took 108 ns with two readings, 73 ns with one): a call decides with one reading.
  test.each<[string, (cache: AsyncCache<string, number>) => unknown]>([
    ['get of a fresh entry', (c) => c.get('a')],
    ['get of an expired entry', (c) => c.get('old')],
    ['set of a held key', (c) => c.set('a', 2)],
    ['set of a new key into a full cache, its victim expired', (c) => c.set('new', 1)],
    ['getOrLoad of a fresh entry', (c) => c.getOrLoad('a', async () => 0)],
    ['getOrLoad of a stale entry', (c) => c.getOrLoad('stale', async () => 0)],
    ['hit of a fresh entry', (c) => c.hit('a')],
    ['expire', (c) => c.expire('a')],
    ['restore into a full cache', (c) => c.restore('new', 1, null, 9)],
    ['purgeExpired over every entry', (c) => c.purgeExpired()],
    ['dump over every entry (its purge included)', (c) => c.dump()],
    ['inspect over every entry (its purge included)', (c) => c.inspect()],
  ])('a TTL cache reads its clock once for %s', (_, call) => {
    const c = clock()
    const now = vi.fn(c.now)
    const cache = new AsyncCache<string, number>({
      maxsize: 4,
      ttl: 10,
      staleWhileRevalidate: 10,
      policy: 'LRU',
      now,
    })
    cache.set('old', 0, { ttl: 1 }) // the coldest: the victim of a set into the full cache
    cache.set('stale', 0, { ttl: 5 })
    cache.set('a', 1)
    cache.set('b', 1)
    c.t += 6_000 // 'old' expired, 'stale' stale, 'a' and 'b' fresh
    now.mockClear()
    call(cache)
    expect(now).toHaveBeenCalledTimes(1)
  })

  test('a walk of a TTL cache reads its clock to start, then once after each entry it yields', () => {
    const c = clock()
    const now = vi.fn(c.now)
    const cache = new AsyncCache<string, number>({ maxsize: 4, ttl: 10, now })
    cache.set('old', 0, { ttl: 1 })
    cache.set('a', 1).set('b', 2)
    c.t += 5_000
    now.mockClear()
    // Its consumer may take any time between steps: each entry is judged when the walk reaches it.
    expect([...cache.values()]).toEqual([2, 1])
    expect(now).toHaveBeenCalledTimes(3)
  })

  test("a load's result is stored with one reading of the clock", async () => {
    const c = clock()
    const now = vi.fn(c.now)
    const cache = new AsyncCache<string, number>({ maxsize: 1, ttl: 10, now })
    cache.set('victim', 0)
    let resolve = (_: number) => {}
    const loading = cache.getOrLoad('k', () => new Promise<number>((r) => (resolve = r)))
    now.mockClear()
    resolve(1)
    expect(await loading).toBe(1)
    expect(now).toHaveBeenCalledTimes(1)
  })
})

describe('registry', () => {
  test('every cache is listed, named or not, and changes are announced', () => {
    const changes = vi.fn()
    const off = onCachesChange(changes)
    const named = new AsyncCache({ maxsize: 1, name: 'prices' })
    const unnamed = new AsyncCache({ maxsize: 1 })
    expect(listCaches()).toContain(named)
    expect(listCaches()).toContain(unnamed)
    expect(changes).toHaveBeenCalledTimes(2)
    unregisterCache(named)
    expect(listCaches()).not.toContain(named)
    off()
  })

  test('it lives on globalThis under a Symbol.for key, so that copies of the library share it', () => {
    const cache = new AsyncCache({ maxsize: 1, name: 'shared' })
    const registry = (globalThis as Record<symbol, { refs: Set<WeakRef<object>> }>)[
      Symbol.for('asynccache.registry')
    ]
    expect([...registry.refs].some((ref) => ref.deref() === cache)).toBe(true)
  })
})
