import { AsyncCache, asyncCache, type CacheEvent, makeHashable } from 'asynccache'
import { afterEach, describe, expect, test, vi } from 'vitest'

/** Lets every pending promise callback run (no timers involved). */
const flush = async () => {
  for (let i = 0; i < 10; i++) await Promise.resolve()
}

afterEach(() => {
  vi.useRealTimers()
  vi.restoreAllMocks()
})

describe('numbers that end in a timer', () => {
  test.each([2 ** 31, 1e10, Number.POSITIVE_INFINITY, Number.NaN])(
    'holdLoads(p, %s) is refused with the range a timer allows',
    (ms) => {
      const cache = new AsyncCache({ maxsize: 1 })
      expect(() => cache.holdLoads(new Promise(() => {}), ms)).toThrow(RangeError)
      expect(() => cache.holdLoads(new Promise(() => {}), ms)).toThrow(
        `holdLoads: timeoutMs must be a number of milliseconds from 0 to 2147483647, got ${ms}`,
      )
      expect(cache.holding).toBe(false)
    },
  )

  test('the longest delay allowed holds misses for that long, not for 1 ms', async () => {
    vi.useFakeTimers()
    const cache = new AsyncCache<string, number>({ maxsize: 1 })
    cache.holdLoads(new Promise(() => {}), 2 ** 31 - 1)
    const loader = vi.fn(async () => 1)
    const call = cache.getOrLoad('k', loader)
    await vi.advanceTimersByTimeAsync(1000)
    expect(loader).not.toHaveBeenCalled()
    await vi.advanceTimersByTimeAsync(2 ** 31 - 1)
    expect(await call).toBe(1)
  })
})

describe('an option given as undefined means its default', () => {
  test('asyncCache({ maxsize: undefined, name: undefined }) keeps 128 and the function name', () => {
    const config: { maxsize?: number; name?: string } = {}
    const fetchUser = asyncCache({ maxsize: config.maxsize, name: config.name })(
      async function fetchUser(id: number) {
        return id
      },
    )
    expect(fetchUser.cacheInstance.maxsize).toBe(128)
    expect(fetchUser.cacheInstance.name).toBe('fetchUser')
  })

  test('null is not undefined: asyncCache({ maxsize: null }) is refused, not defaulted', () => {
    expect(() => asyncCache({ maxsize: null as never })(async () => 1)).toThrow(
      'maxsize must be a positive integer (1 or more), got null',
    )
  })

  test('every AsyncCache option but maxsize may be undefined', () => {
    const cache = new AsyncCache({
      maxsize: 2,
      policy: undefined,
      ttl: undefined,
      staleWhileRevalidate: undefined,
      name: undefined,
      now: undefined,
    })
    expect([cache.policy, cache.ttl, cache.staleWhileRevalidate, cache.name]).toEqual([
      'LFU',
      null,
      0,
      undefined,
    ])
    cache.set('a', 1, { ttl: undefined })
    expect(cache.info('a')?.expiresAt).toBeNull()
  })
})

describe('a NaN is refused wherever a number is taken', () => {
  test.each([
    ['set ttl', (c: AsyncCache<string, number>) => c.set('a', 1, { ttl: Number.NaN })],
    ['restore expiresAt', (c: AsyncCache<string, number>) => c.restore('a', 1, Number.NaN)],
    ['restore frequency', (c: AsyncCache<string, number>) => c.restore('a', 1, null, Number.NaN)],
    ['updateProfiling', (c: AsyncCache<string, number>) => c.updateProfiling(Number.NaN)],
    [
      'staleWhileRevalidate',
      () => new AsyncCache({ maxsize: 1, staleWhileRevalidate: Number.NaN }),
    ],
    ['maxsize', () => new AsyncCache({ maxsize: Number.NaN })],
  ])('%s', (_name, call) => {
    const cache = new AsyncCache<string, number>({ maxsize: 2 })
    expect(() => call(cache)).toThrow(/got NaN/)
    expect(cache.size).toBe(0)
  })
})

describe('the state an event reports is complete before the event goes out', () => {
  test('a load-start listener that calls getOrLoad for the same key joins the load', async () => {
    const cache = new AsyncCache<string, number>({ maxsize: 2 })
    const joined: Promise<number>[] = []
    const leaving = new AbortController()
    cache.subscribe((e) => {
      if (e.type === 'load-start' && joined.length === 0) {
        joined.push(cache.getOrLoad('k', async () => -1))
        joined.push(cache.getOrLoad('k', async () => -1, { signal: leaving.signal }))
      }
    })
    const loader = vi.fn(async () => 7)
    const first = cache.getOrLoad('k', loader)
    expect(await Promise.all([first, ...joined])).toEqual([7, 7, 7])
    expect(loader).toHaveBeenCalledTimes(1)
    expect(cache.getStats()).toMatchObject({ misses: 1, hits: 2, loadsInFlight: 0 })
  })

  test('a loader that calls getOrLoad for its own key synchronously gets the same promise', async () => {
    const cache = new AsyncCache<string, number>({ maxsize: 2 })
    let inner: Promise<number> | undefined
    const outer = cache.getOrLoad('k', () => {
      inner = cache.getOrLoad('k', async () => -1)
      return 3
    })
    expect(inner).toBeInstanceOf(Promise)
    expect(await outer).toBe(3)
    expect(await inner).toBe(3)
  })

  test('a stale listener finds the refresh it reports already in flight', async () => {
    let t = 0
    const cache = new AsyncCache<string, number>({
      maxsize: 2,
      ttl: 1,
      staleWhileRevalidate: 10,
      now: () => t,
    })
    cache.set('k', 1)
    t = 1500
    const other = vi.fn(async () => -1)
    let served: Promise<number> | undefined
    let told = false
    cache.subscribe((e) => {
      // Once: the listener's own call meets the stale entry too, and is told of it.
      if (e.type !== 'stale' || told) return
      told = true
      served = cache.getOrLoad('k', other)
    })
    const refresh = vi.fn(async () => 2)
    expect(await cache.getOrLoad('k', refresh)).toBe(1)
    expect(await served).toBe(1)
    await flush()
    // One refresh, the one the event reported: the listener's call found it in flight.
    expect(refresh).toHaveBeenCalledTimes(1)
    expect(other).not.toHaveBeenCalled()
    expect(cache.peek('k')).toBe(2)
  })

  test('a miss listener that calls getOrLoad for the same key joins the load it reports', async () => {
    const cache = new AsyncCache<string, number>({ maxsize: 2 })
    const loader = vi.fn(async () => 5)
    let joined: Promise<number> | undefined
    cache.subscribe((e) => {
      if (e.type === 'miss' && joined === undefined) joined = cache.getOrLoad('k', loader)
    })
    const first = cache.getOrLoad('k', loader)
    expect(await first).toBe(5)
    expect(await joined).toBe(5)
    expect(loader).toHaveBeenCalledTimes(1)
  })
})

describe('a waiter belongs to one flight at a time', () => {
  test('held callers handed over to a newer load take it down when they all leave', async () => {
    const cache = new AsyncCache<string, number>({ maxsize: 2 })
    let release!: () => void
    cache.holdLoads(
      new Promise<void>((r) => {
        release = r
      }),
      1000,
    )
    let loaderSignal: AbortSignal | undefined
    const loader = (signal: AbortSignal) => {
      loaderSignal = signal
      return new Promise<number>(() => {}) // settles only by abort, which it ignores
    }
    const a = new AbortController()
    const b = new AbortController()
    const first = cache.getOrLoad('k', loader, { signal: a.signal })
    cache.delete('k')
    const second = cache.getOrLoad('k', loader, { signal: b.signal })
    release()
    await flush()
    expect(loaderSignal?.aborted).toBe(false)
    a.abort('a left')
    b.abort('b left')
    await expect(first).rejects.toBe('a left')
    await expect(second).rejects.toBe('b left')
    expect(loaderSignal?.aborted).toBe(true)
    // The abandoned load no longer takes callers: a third one starts afresh and settles.
    const third = cache.getOrLoad('k', async () => 9)
    expect(await third).toBe(9)
  })
})

describe('an expired entry met by any path is gone', () => {
  const setup = () => {
    let t = 0
    const cache = new AsyncCache<string, number>({ maxsize: 2, policy: 'LFU', now: () => t })
    cache.set('a', 1, { ttl: 1 })
    for (let i = 0; i < 5; i++) cache.get('a') // a: 6 uses
    cache.set('b', 2)
    cache.get('b')
    cache.get('b') // b: 3 uses
    t = 2000 // a expired, never read since
    return cache
  }

  test('set makes a new entry: frequency 1, an expired eviction counted, the next victim', () => {
    const cache = setup()
    cache.set('a', 10)
    expect(cache.info('a')).toMatchObject({ value: 10, frequency: 1 })
    expect(cache.getStats().evictions).toEqual({ capacity: 0, expired: 1 })
    cache.set('c', 3)
    expect(cache.has('a')).toBe(false)
    expect(cache.has('b')).toBe(true)
  })

  test('a load stores a new entry', async () => {
    const cache = setup()
    expect(await cache.getOrLoad('a', async () => 10, { refresh: true })).toBe(10)
    expect(cache.info('a')).toMatchObject({ value: 10, frequency: 1 })
    expect(cache.getStats().evictions.expired).toBe(1)
  })

  test.each([
    ['keys', (c: AsyncCache<string, number>) => [...c.keys()]],
    ['values', (c: AsyncCache<string, number>) => [...c.values()]],
    ['entries', (c: AsyncCache<string, number>) => [...c.entries()]],
    ['inspect', (c: AsyncCache<string, number>) => c.inspect()],
    ['dump', (c: AsyncCache<string, number>) => c.dump()],
    ['info', (c: AsyncCache<string, number>) => c.info('a')],
    ['delete', (c: AsyncCache<string, number>) => c.delete('a')],
    ['restore', (c: AsyncCache<string, number>) => c.restore('a', 10, null, 9)],
  ])('%s removes it and counts an expired eviction', (_name, walk) => {
    const cache = setup()
    const evicted: CacheEvent[] = []
    cache.subscribe((e) => e.type === 'evict' && evicted.push(e))
    walk(cache)
    expect(evicted).toMatchObject([{ key: 'a', reason: 'expired' }])
    expect(cache.getStats().evictions.expired).toBe(1)
  })
})

describe('keys', () => {
  test('symbol-keyed own properties are part of the key', async () => {
    const t = Symbol.for('t')
    expect(makeHashable({ [t]: 1 })).not.toBe(makeHashable({ [t]: 2 }))
    expect(makeHashable({ a: 1, [t]: 1 })).toBe(makeHashable({ [t]: 1, a: 1 }))
    // A property named like the symbol's encoding is another key.
    expect(makeHashable({ [t]: 1 })).not.toBe(makeHashable({ 'Symbol.for("t")': 1 }))
    const lookup = asyncCache()(async (query: object) => Object.getOwnPropertySymbols(query).length)
    const tag = { [t]: 1 }
    expect(await lookup(tag)).toBe(1)
    expect(await lookup({})).toBe(0)
  })

  test('unregistered symbol keys are told apart by identity; non-enumerable ones are ignored', () => {
    const a = Symbol('s')
    const b = Symbol('s')
    expect(makeHashable({ [a]: 1 })).not.toBe(makeHashable({ [b]: 1 }))
    expect(makeHashable({ [a]: 1 })).toBe(makeHashable({ [a]: 1 }))
    const hidden = {}
    Object.defineProperty(hidden, a, { value: 1, enumerable: false })
    expect(makeHashable(hidden)).toBe(makeHashable({}))
  })
})

describe('a flat record argument is keyed by its JSON, and stays canonical', () => {
  test('property order does not matter, types do, and a string never reads as a record', async () => {
    const calls: unknown[] = []
    const find = asyncCache()(async (query: unknown) => {
      calls.push(query)
      return calls.length
    })
    expect(await find({ a: 1, b: 'x' })).toBe(1)
    expect(await find({ b: 'x', a: 1 })).toBe(1)
    expect(await find({ a: '1', b: 'x' })).toBe(2)
    expect(await find('{"a":1,"b":"x"}')).toBe(3)
    expect(await find({ 10: 'c', 2: 'b' })).toBe(4)
    expect(await find({ 2: 'b', 10: 'c' })).toBe(4)
    // Not flat: encoded as before, still order-independent.
    expect(await find({ a: [1], b: null })).toBe(5)
    expect(await find({ b: null, a: [1] })).toBe(5)
    expect(find.cacheInstance.has('{"a":1,"b":"x"}')).toBe(true)
  })
})

describe('found by an independent review', () => {
  test('an expired entry met by set is told once the set is complete: a listener writing the key back cannot split it', () => {
    let t = 0
    const cache = new AsyncCache<string, number>({
      maxsize: 10,
      policy: 'LRU',
      ttl: 1,
      now: () => t,
    })
    cache.set('a', 1)
    t = 2000
    let once = true
    const events: string[] = []
    cache.subscribe((e) => {
      events.push(e.type)
      if (e.type === 'evict' && once) {
        once = false
        cache.set('a', 99)
      }
    })
    cache.set('a', 2)
    expect(cache.dump().filter((r) => r.key === 'a')).toHaveLength(1)
    expect(cache.peek('a')).toBe(99) // the listener's set came after the outer one
    cache.delete('a')
    expect([cache.size, cache.dump().length, [...cache.keys()].length]).toEqual([0, 0, 0])
    expect(events.slice(0, 3)).toEqual(['evict', 'set', 'set'])
  })

  test('a listener that re-subscribes itself is told each event once; one subscribed during an event hears the next', () => {
    const cache = new AsyncCache<string, number>({ maxsize: 2 })
    let calls = 0
    let off = () => {}
    const listener = () => {
      calls++
      off()
      off = cache.subscribe(listener)
    }
    off = cache.subscribe(listener)
    cache.set('a', 1)
    expect(calls).toBe(1)
    const late = vi.fn()
    const once = cache.subscribe(() => {
      once()
      cache.subscribe(late)
    })
    cache.set('b', 2)
    expect(late).not.toHaveBeenCalled()
    cache.set('c', 3)
    expect(late).toHaveBeenCalled()
  })

  test('restore tells every eviction it caused before it returns, the cache whole by then', () => {
    const cache = new AsyncCache<string, number>({ maxsize: 2, policy: 'LFU' })
    cache.set('x', 1).set('y', 2)
    const evicted: string[] = []
    let once = true
    cache.subscribe((e) => {
      if (e.type !== 'evict') return
      evicted.push(e.key)
      if (once) {
        once = false
        cache.set('z', 3)
      }
    })
    expect(cache.restore('a', 5, null, 10)).toBe('restored')
    const held = [...cache.keys()]
    expect(held.length).toBe(cache.size)
    expect(cache.size).toBeLessThanOrEqual(2)
    // Every key that left was told, by the time restore returned.
    expect(['x', 'y', 'z', 'a'].filter((k) => !held.includes(k)).sort()).toEqual(
      [...evicted].sort(),
    )
  })

  test('a refresh while loads are held reloads, however fresh the entry', async () => {
    const cache = new AsyncCache<string, number>({ maxsize: 2 })
    cache.set('a', 1)
    let release!: () => void
    cache.holdLoads(new Promise<void>((r) => (release = r)), 10_000)
    const reload = cache.getOrLoad('a', async () => 2, { refresh: true })
    release()
    expect(await reload).toBe(2)
    expect(cache.peek('a')).toBe(2)
  })

  test('under a size budget, the set event goes out once the victims have left', () => {
    const cache = new AsyncCache<string, number>({
      maxsize: 10,
      policy: 'LRU',
      maxSize: 2,
      sizeOf: () => 1,
    })
    cache.set('a', 1).set('b', 2)
    let seen: unknown[] = []
    cache.subscribe((e) => {
      if (e.type === 'set' && e.key === 'c') seen = [cache.has('a'), cache.getStats().totalSize]
    })
    cache.set('c', 3)
    expect(seen).toEqual([false, 2])
  })

  test('a set whose sizeOf throws leaves the load in flight to store its value', async () => {
    let bad = false
    const cache = new AsyncCache<string, number>({
      maxsize: 10,
      maxSize: 100,
      sizeOf: () => (bad ? Number.NaN : 1),
    })
    let resolve!: (v: number) => void
    const load = cache.getOrLoad('a', () => new Promise<number>((r) => (resolve = r)))
    bad = true
    expect(() => cache.set('a', 9)).toThrow(/sizeOf/)
    bad = false
    resolve(5)
    expect(await load).toBe(5)
    expect(cache.peek('a')).toBe(5)
  })

  test('a non-enumerable symbol property does not change a record argument’s key', async () => {
    const hidden = { id: 1 }
    Object.defineProperty(hidden, Symbol('meta'), { value: 1, enumerable: false })
    const find = asyncCache()(async (q: { id: number }) => q.id)
    await find({ id: 1 })
    await find(hidden)
    expect(find.cacheInstance.getStats()).toMatchObject({ hits: 1, misses: 1 })
  })
})
