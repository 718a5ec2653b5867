import { AsyncCache, type CacheEvent } from 'asynccache'
import { describe, expect, test, vi } from 'vitest'

/** A promise resolved or rejected from outside: loads finish exactly when a test says so. */
function deferred<T>() {
  let resolve!: (value: T) => void
  let reject!: (error: unknown) => void
  const promise = new Promise<T>((res, rej) => {
    resolve = res
    reject = rej
  })
  return { promise, resolve, reject }
}

/** A loader whose runs are counted and finished by hand. */
function controlledLoader<T>() {
  const runs: { signal: AbortSignal; done: ReturnType<typeof deferred<T>> }[] = []
  const loader = vi.fn((signal: AbortSignal) => {
    const done = deferred<T>()
    runs.push({ signal, done })
    return done.promise
  })
  return { loader, runs }
}

const settled = <T>(p: Promise<T>) =>
  p.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  )

describe('getOrLoad', () => {
  test('a hit resolves from memory without calling the loader', async () => {
    const cache = new AsyncCache<string, number>({ maxsize: 2 })
    cache.set('a', 1)
    const loader = vi.fn(async () => 2)
    expect(await cache.getOrLoad('a', loader)).toBe(1)
    expect(loader).not.toHaveBeenCalled()
    expect(cache.getStats()).toMatchObject({ hits: 1, misses: 0 })
  })

  test('N concurrent callers of one key run the loader once; joiners count as hits', async () => {
    const cache = new AsyncCache<string, number>({ maxsize: 2 })
    const { loader, runs } = controlledLoader<number>()
    const calls = Array.from({ length: 25 }, () => cache.getOrLoad('k', loader))
    expect(loader).toHaveBeenCalledTimes(1)
    expect(cache.getStats()).toMatchObject({ misses: 1, hits: 24, loadsInFlight: 1 })
    runs[0].done.resolve(7)
    expect(await Promise.all(calls)).toEqual(Array(25).fill(7))
    expect(cache.peek('k')).toBe(7)
    expect(cache.getStats()).toMatchObject({ totalCalls: 1, loadsInFlight: 0 })
  })

  test('different keys load independently', async () => {
    const cache = new AsyncCache<string, string>({ maxsize: 4 })
    const loaded = await Promise.all(
      ['a', 'b', 'a'].map((k) => cache.getOrLoad(k, async () => k.toUpperCase())),
    )
    expect(loaded).toEqual(['A', 'B', 'A'])
    expect(cache.getStats()).toMatchObject({ misses: 2, hits: 1, totalCalls: 2 })
  })

  test('a rejection reaches every waiter, is never stored, and the next call loads again', async () => {
    const cache = new AsyncCache<string, number>({ maxsize: 2 })
    const { loader, runs } = controlledLoader<number>()
    const calls = [cache.getOrLoad('k', loader), cache.getOrLoad('k', loader)]
    const failure = new Error('upstream down')
    runs[0].done.reject(failure)
    for (const call of calls) await expect(call).rejects.toBe(failure)
    expect(cache.has('k')).toBe(false)
    expect(cache.getStats()).toMatchObject({ misses: 1, hits: 1, totalCalls: 0 })
    const again = cache.getOrLoad('k', loader)
    expect(loader).toHaveBeenCalledTimes(2)
    runs[1].done.resolve(3)
    expect(await again).toBe(3)
  })

  test('a loader that throws synchronously rejects like one that rejects', async () => {
    const cache = new AsyncCache<string, number>({ maxsize: 2 })
    await expect(
      cache.getOrLoad('k', () => {
        throw new SyntaxError('bad')
      }),
    ).rejects.toThrow(SyntaxError)
    expect(cache.getStats().loadsInFlight).toBe(0)
  })

  test('a loader that is not a function is refused', async () => {
    const cache = new AsyncCache<string, number>({ maxsize: 2 })
    await expect(cache.getOrLoad('k', 5 as never)).rejects.toThrow(
      'getOrLoad: loader must be a function, got number',
    )
  })

  test('the run time is recorded with updateProfiling', async () => {
    const cache = new AsyncCache<string, number>({ maxsize: 2 })
    const spy = vi.spyOn(cache, 'updateProfiling')
    await cache.getOrLoad('k', async () => 1)
    expect(spy).toHaveBeenCalledTimes(1)
    expect(spy.mock.calls[0][0]).toBeGreaterThanOrEqual(0)
  })

  test('load-start, load-success and load-error events', async () => {
    const cache = new AsyncCache<string, number>({ maxsize: 2, now: () => 5 })
    const events: CacheEvent<string, number>[] = []
    cache.subscribe((e) => events.push(e))
    await cache.getOrLoad('ok', async () => 1)
    await cache.getOrLoad('bad', async () => Promise.reject(new Error('x'))).catch(() => {})
    expect(events.map((e) => `${e.type}:${'key' in e ? e.key : ''}`)).toEqual([
      'miss:ok',
      'load-start:ok',
      'set:ok',
      'load-success:ok',
      'miss:bad',
      'load-start:bad',
      'load-error:bad',
    ])
    expect(events[3]).toMatchObject({ durationMs: expect.any(Number) })
  })

  describe('the loader context', () => {
    test('context.ttl gives the loaded entry its own TTL', async () => {
      let t = 0
      const cache = new AsyncCache<string, number>({ maxsize: 2, ttl: 60, now: () => t })
      await cache.getOrLoad('short', (_signal, context) => {
        context.ttl = 1
        return 1
      })
      await cache.getOrLoad('default', async () => 2)
      t = 1000
      expect(cache.has('short')).toBe(false)
      expect(cache.has('default')).toBe(true)
    })

    test('context.store = false hands the value to every waiter without storing it', async () => {
      const cache = new AsyncCache<string, string>({ maxsize: 2 })
      const { loader, runs } = controlledLoader<string>()
      const calls = [
        cache.getOrLoad('k', (signal, context) => {
          context.store = false
          return loader(signal)
        }),
        cache.getOrLoad('k', loader),
      ]
      runs[0].done.resolve('error page')
      expect(await Promise.all(calls)).toEqual(['error page', 'error page'])
      expect(cache.has('k')).toBe(false)
      expect(cache.getStats()).toMatchObject({ misses: 1, hits: 1, size: 0 })
    })

    test('a bad context.ttl rejects the waiters with the TTL error', async () => {
      const cache = new AsyncCache<string, number>({ maxsize: 2 })
      const load = cache.getOrLoad('k', (_signal, context) => {
        context.ttl = -1
        return 1
      })
      await expect(load).rejects.toThrow(
        'ttl must be a number of seconds greater than 0 (or null for no expiry), got -1',
      )
    })
  })

  describe('refresh', () => {
    test('loads even when the entry is fresh, replaces it, and counts a miss', async () => {
      const cache = new AsyncCache<string, number>({ maxsize: 2 })
      cache.set('k', 1)
      expect(await cache.getOrLoad('k', async () => 2, { refresh: true })).toBe(2)
      expect(cache.peek('k')).toBe(2)
      expect(cache.getStats()).toMatchObject({ hits: 0, misses: 1 })
    })

    test('a delete during the forced load wins: nothing is stored', async () => {
      const cache = new AsyncCache<string, number>({ maxsize: 2 })
      cache.set('k', 1)
      const { loader, runs } = controlledLoader<number>()
      const call = cache.getOrLoad('k', loader, { refresh: true })
      cache.delete('k')
      runs[0].done.resolve(2)
      expect(await call).toBe(2)
      expect(cache.has('k')).toBe(false)
    })
  })

  describe('holdLoads', () => {
    test('a miss during the hold waits, and is served from memory when the key comes back', async () => {
      const cache = new AsyncCache<string, number>({ maxsize: 4 })
      const restoring = deferred<void>()
      cache.holdLoads(restoring.promise, 1000)
      const loader = vi.fn(async () => 99)
      const calls = [cache.getOrLoad('k', loader), cache.getOrLoad('k', loader)]
      expect(cache.getStats()).toMatchObject({ hits: 1, misses: 0 })
      cache.restore('k', 7, null)
      restoring.resolve()
      expect(await Promise.all(calls)).toEqual([7, 7])
      expect(loader).not.toHaveBeenCalled()
      expect(cache.getStats()).toMatchObject({ hits: 2, misses: 0 })
    })

    test('a key that does not come back is loaded once the hold ends, counted as one miss', async () => {
      const cache = new AsyncCache<string, number>({ maxsize: 4 })
      const restoring = deferred<void>()
      cache.holdLoads(restoring.promise, 1000)
      const loader = vi.fn(async () => 5)
      const calls = [cache.getOrLoad('k', loader), cache.getOrLoad('k', loader)]
      restoring.reject(new Error('disk failed')) // a failed restore ends the hold too
      expect(await Promise.all(calls)).toEqual([5, 5])
      expect(loader).toHaveBeenCalledTimes(1)
      expect(cache.getStats()).toMatchObject({ hits: 1, misses: 1 })
      expect(cache.peek('k')).toBe(5)
    })

    test('the hold is bounded: after timeoutMs misses load anyway', async () => {
      vi.useFakeTimers()
      try {
        const cache = new AsyncCache<string, number>({ maxsize: 4 })
        cache.holdLoads(new Promise(() => {}), 1000)
        const loader = vi.fn(async () => 1)
        const call = cache.getOrLoad('k', loader)
        await vi.advanceTimersByTimeAsync(999)
        expect(loader).not.toHaveBeenCalled()
        await vi.advanceTimersByTimeAsync(1)
        expect(await call).toBe(1)
        expect(loader).toHaveBeenCalledTimes(1)
        // The hold is over: the next miss loads at once.
        cache.getOrLoad('j', loader)
        expect(loader).toHaveBeenCalledTimes(2)
      } finally {
        vi.useRealTimers()
      }
    })

    test('holdSettled settles at once without a hold, and during one when held misses may load', async () => {
      vi.useFakeTimers()
      try {
        const cache = new AsyncCache<string, number>({ maxsize: 4 })
        let free = false
        void cache.holdSettled().then(() => (free = true))
        await Promise.resolve()
        expect(free).toBe(true)
        cache.holdLoads(new Promise(() => {}), 1000)
        const loader = vi.fn(async () => 1)
        const call = cache.getOrLoad('k', loader)
        let seen: { holding: boolean; loads: number } | undefined
        void cache.holdSettled().then(() => {
          seen = { holding: cache.holding, loads: loader.mock.calls.length }
        })
        await vi.advanceTimersByTimeAsync(999)
        expect(seen).toBeUndefined()
        await vi.advanceTimersByTimeAsync(1)
        // Settled with the hold: the held miss has started its load, and a new one would too.
        expect(seen).toEqual({ holding: false, loads: 1 })
        expect(await call).toBe(1)
      } finally {
        vi.useRealTimers()
      }
    })

    test('callers that all abort during the hold leave no load behind', async () => {
      const cache = new AsyncCache<string, number>({ maxsize: 4 })
      const restoring = deferred<void>()
      cache.holdLoads(restoring.promise, 1000)
      const loader = vi.fn(async () => 1)
      const a = new AbortController()
      const call = settled(cache.getOrLoad('k', loader, { signal: a.signal }))
      a.abort('gone')
      restoring.resolve()
      expect(await call).toEqual({ error: 'gone' })
      await Promise.resolve()
      expect(loader).not.toHaveBeenCalled()
    })

    test('a bad timeout is refused', () => {
      const cache = new AsyncCache({ maxsize: 1 })
      expect(() => cache.holdLoads(Promise.resolve(), -1)).toThrow(
        'holdLoads: timeoutMs must be a number of milliseconds from 0 to 2147483647, got -1',
      )
    })
  })

  describe('abort', () => {
    test('an aborted caller is rejected with signal.reason; the others still get the value', async () => {
      const cache = new AsyncCache<string, number>({ maxsize: 2 })
      const { loader, runs } = controlledLoader<number>()
      const leaving = new AbortController()
      const first = cache.getOrLoad('k', loader, { signal: leaving.signal })
      const second = cache.getOrLoad('k', loader)
      leaving.abort(new DOMException('navigated away', 'AbortError'))
      await expect(first).rejects.toThrow('navigated away')
      expect(runs[0].signal.aborted).toBe(false)
      runs[0].done.resolve(9)
      expect(await second).toBe(9)
      expect(cache.peek('k')).toBe(9)
    })

    test('when every waiter has left, the loader signal aborts and the next caller starts afresh', async () => {
      const cache = new AsyncCache<string, number>({ maxsize: 2 })
      const { loader, runs } = controlledLoader<number>()
      const a = new AbortController()
      const b = new AbortController()
      const calls = [
        cache.getOrLoad('k', loader, { signal: a.signal }),
        cache.getOrLoad('k', loader, { signal: b.signal }),
      ]
      a.abort('a left')
      expect(runs[0].signal.aborted).toBe(false)
      b.abort('b left')
      expect(runs[0].signal.aborted).toBe(true)
      expect(runs[0].signal.reason).toBe('b left')
      expect(await Promise.all(calls.map(settled))).toEqual([
        { error: 'a left' },
        { error: 'b left' },
      ])
      const fresh = cache.getOrLoad('k', loader)
      expect(loader).toHaveBeenCalledTimes(2)
      runs[0].done.resolve(1) // the abandoned load finishes late: not stored
      runs[1].done.resolve(2)
      expect(await fresh).toBe(2)
      expect(cache.peek('k')).toBe(2)
    })

    test('an abandoned load that still resolves is not stored', async () => {
      const cache = new AsyncCache<string, number>({ maxsize: 2 })
      const { loader, runs } = controlledLoader<number>()
      const a = new AbortController()
      const call = settled(cache.getOrLoad('k', loader, { signal: a.signal }))
      a.abort('gone')
      runs[0].done.resolve(1)
      await call
      await Promise.resolve()
      expect(cache.has('k')).toBe(false)
      expect(cache.getStats().loadsInFlight).toBe(0)
    })

    test('an already aborted signal rejects at once without loading', async () => {
      const cache = new AsyncCache<string, number>({ maxsize: 2 })
      const loader = vi.fn(async () => 1)
      await expect(
        cache.getOrLoad('k', loader, { signal: AbortSignal.abort('early') }),
      ).rejects.toBe('early')
      expect(loader).not.toHaveBeenCalled()
    })

    test('a caller that leaves after the load finished still gets the value', async () => {
      const cache = new AsyncCache<string, number>({ maxsize: 2 })
      const a = new AbortController()
      const value = await cache.getOrLoad('k', async () => 4, { signal: a.signal })
      a.abort()
      expect(value).toBe(4)
      expect(cache.peek('k')).toBe(4)
    })
  })

  describe('set, delete and clear during a load win', () => {
    test('set: waiters get the loaded value, the cache keeps the set one', async () => {
      const cache = new AsyncCache<string, number>({ maxsize: 2 })
      const { loader, runs } = controlledLoader<number>()
      const call = cache.getOrLoad('k', loader)
      cache.set('k', 100)
      runs[0].done.resolve(1)
      expect(await call).toBe(1)
      expect(cache.peek('k')).toBe(100)
    })

    test('delete: the late result is not stored, and a new caller starts a fresh load', async () => {
      const cache = new AsyncCache<string, number>({ maxsize: 2 })
      const { loader, runs } = controlledLoader<number>()
      const call = cache.getOrLoad('k', loader)
      cache.delete('k')
      const fresh = cache.getOrLoad('k', loader)
      expect(loader).toHaveBeenCalledTimes(2)
      runs[0].done.resolve(1)
      expect(await call).toBe(1)
      expect(cache.has('k')).toBe(false)
      runs[1].done.resolve(2)
      expect(await fresh).toBe(2)
      expect(cache.peek('k')).toBe(2)
    })

    test('clear: nothing in flight is stored afterwards', async () => {
      const cache = new AsyncCache<string, number>({ maxsize: 2 })
      const { loader, runs } = controlledLoader<number>()
      const call = cache.getOrLoad('k', loader)
      cache.clear()
      runs[0].done.resolve(1)
      expect(await call).toBe(1)
      expect(cache.size).toBe(0)
    })
  })

  describe('stale-while-revalidate', () => {
    function staleCache() {
      const c = { t: 0 }
      const cache = new AsyncCache<string, number>({
        maxsize: 2,
        ttl: 1,
        staleWhileRevalidate: 10,
        now: () => c.t,
      })
      cache.set('k', 1)
      c.t = 2000
      return { cache, c }
    }

    test('a stale entry is served at once and refreshed once in the background', async () => {
      const { cache } = staleCache()
      const events: string[] = []
      cache.subscribe((e) => events.push(e.type))
      const { loader, runs } = controlledLoader<number>()
      expect(await cache.getOrLoad('k', loader)).toBe(1)
      expect(await cache.getOrLoad('k', loader)).toBe(1)
      expect(loader).toHaveBeenCalledTimes(1)
      expect(events.filter((e) => e === 'stale')).toHaveLength(2)
      runs[0].done.resolve(2)
      await runs[0].done.promise
      await Promise.resolve()
      expect(await cache.getOrLoad('k', loader)).toBe(2)
      expect(cache.getStats()).toMatchObject({ hits: 3, misses: 0, totalCalls: 1 })
    })

    test('a failed refresh keeps the stale entry, emits load-error and raises no unhandled rejection', async () => {
      const { cache } = staleCache()
      const errors: unknown[] = []
      cache.subscribe((e) => e.type === 'load-error' && errors.push(e.error))
      const { loader, runs } = controlledLoader<number>()
      expect(await cache.getOrLoad('k', loader)).toBe(1)
      runs[0].done.reject(new Error('refresh failed'))
      await runs[0].done.promise.catch(() => {})
      await Promise.resolve()
      expect(errors).toEqual([new Error('refresh failed')])
      expect(await cache.getOrLoad('k', loader)).toBe(1)
      expect(loader).toHaveBeenCalledTimes(2)
    })

    test("a stale-while-revalidate refresh is the callers' once one joins: when they all leave, it is aborted", async () => {
      const { cache, c } = staleCache()
      const { loader, runs } = controlledLoader<number>()
      await cache.getOrLoad('k', loader) // starts the refresh; nobody waits for it
      expect(runs[0].signal.aborted).toBe(false)
      c.t = 20_000 // now fully expired: callers join the refresh
      const a = new AbortController()
      const joined = settled(cache.getOrLoad('k', loader, { signal: a.signal }))
      a.abort('left')
      expect(await joined).toEqual({ error: 'left' })
      // A stalled refresh must not hold the key for ever: the next call loads afresh.
      expect(runs[0].signal.aborted).toBe(true)
      const fresh = cache.getOrLoad('k', loader)
      expect(loader).toHaveBeenCalledTimes(2)
      runs[1].done.resolve(6)
      expect(await fresh).toBe(6)
    })

    test('a refresh nobody joins runs to the end and is stored', async () => {
      const { cache } = staleCache()
      const { loader, runs } = controlledLoader<number>()
      expect(await cache.getOrLoad('k', loader)).toBe(1)
      runs[0].done.resolve(5)
      await runs[0].done.promise
      await Promise.resolve()
      expect(cache.peek('k')).toBe(5)
    })
  })
})
