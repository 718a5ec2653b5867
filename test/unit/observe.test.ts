import { AsyncCache, asyncCache, type Observable, observe } from 'asynccache'
import { afterEach, describe, expect, test, vi } from 'vitest'

/**
 * A source over a plain cache whose loads wait for `release(key, value)` (or `fail`) and keep
 * their signals, so a test sees which loads ran and which were aborted.
 */
function gatedSource(cache = new AsyncCache<string, string>({ maxsize: 10, ttl: 60 })) {
  const loads: { key: string; signal: AbortSignal; settle: (v: string | Error) => void }[] = []
  const source: Observable<[string], string, string> = {
    cacheInstance: cache,
    keyOf: (id) => `item:${id}`,
    load: ([id], options) =>
      cache.getOrLoad(
        `item:${id}`,
        (signal) =>
          new Promise<string>((resolve, reject) => {
            loads.push({
              key: `item:${id}`,
              signal,
              settle: (v) => (v instanceof Error ? reject(v) : resolve(v)),
            })
          }),
        options,
      ),
  }
  return { cache, source, loads }
}

const flush = () => new Promise((r) => setTimeout(r, 0))

afterEach(() => vi.useRealTimers())

describe('observe(fn, args)', () => {
  test('a cached value is in the first snapshot, with no load; snapshots are the same object until a change', () => {
    const { cache, source, loads } = gatedSource()
    cache.set('item:1', 'one')
    const observer = observe(source, ['1'])
    const first = observer.getSnapshot()
    expect(first).toMatchObject({
      data: 'one',
      status: 'success',
      isFetching: false,
      isStale: false,
    })
    expect(Object.isFrozen(first)).toBe(true)
    const stop = observer.subscribe(() => {})
    expect(loads).toEqual([])
    expect(observer.getSnapshot()).toBe(first)
    cache.get('item:1') // a lookup is no change
    expect(observer.getSnapshot()).toBe(first)
    cache.set('item:1', 'uno')
    const second = observer.getSnapshot()
    expect(second).not.toBe(first)
    expect(second).toMatchObject({ data: 'uno', updatedAt: expect.any(Number) })
    expect(observer.getSnapshot()).toBe(second)
    stop()
  })

  test('the first subscriber loads a missing key: pending, fetching, then success; each change is told', async () => {
    const { source, loads } = gatedSource()
    const observer = observe(source, ['2'])
    expect(observer.getSnapshot()).toMatchObject({ status: 'pending', data: undefined })
    const onChange = vi.fn()
    observer.subscribe(onChange)
    expect(loads.map((l) => l.key)).toEqual(['item:2'])
    expect(observer.getSnapshot().isFetching).toBe(true)
    loads[0].settle('two')
    await flush()
    expect(observer.getSnapshot()).toMatchObject({
      status: 'success',
      data: 'two',
      isFetching: false,
    })
    expect(onChange).toHaveBeenCalled()
  })

  test('a failed load gives status error and never an unhandled rejection; a later set clears it', async () => {
    const { cache, source, loads } = gatedSource()
    const observer = observe(source, ['3'])
    observer.subscribe(() => {})
    loads[0].settle(new Error('down'))
    await flush()
    expect(observer.getSnapshot()).toMatchObject({ status: 'error', error: new Error('down') })
    cache.set('item:3', 'three')
    expect(observer.getSnapshot()).toMatchObject({
      status: 'success',
      data: 'three',
      error: undefined,
    })
  })

  test('destroy() aborts only this observer: a load another caller waits for goes on', async () => {
    const { source, loads } = gatedSource()
    const mine = observe(source, ['4'])
    mine.subscribe(() => {})
    mine.destroy()
    expect(loads[0].signal.aborted).toBe(true) // nobody else waited
    const other = source.load(['5'])
    const shared = observe(source, ['5'])
    shared.subscribe(() => {})
    shared.destroy()
    expect(loads[1].signal.aborted).toBe(false)
    loads[1].settle('five')
    expect(await other).toBe('five')
  })

  test('setArgs switches keys: the snapshot follows at once, the old load is aborted a microtask later', async () => {
    const { cache, source, loads } = gatedSource()
    cache.set('item:b', 'bee')
    const observer = observe(source, ['a'])
    observer.subscribe(() => {})
    observer.setArgs(['a']) // the same key: nothing happens
    await flush()
    expect(loads).toHaveLength(1)
    observer.setArgs(['b'])
    expect(observer.getSnapshot()).toMatchObject({ data: 'bee', status: 'success' })
    await flush()
    expect(loads[0].signal.aborted).toBe(true)
    expect(loads).toHaveLength(1) // b is fresh: nothing to load
  })

  test('keepPrevious shows the previous data while a new key loads', async () => {
    const { cache, source, loads } = gatedSource()
    cache.set('item:a', 'ay')
    const observer = observe(source, ['a'], { keepPrevious: true })
    observer.subscribe(() => {})
    observer.getSnapshot()
    observer.setArgs(['b'])
    expect(observer.getSnapshot()).toMatchObject({ data: 'ay', isStale: true })
    await flush()
    loads[0].settle('bee')
    await flush()
    expect(observer.getSnapshot()).toMatchObject({ data: 'bee', isStale: false })
  })

  test('an unsubscribe followed by a subscribe in the same task (React StrictMode) keeps the one load', async () => {
    const { source, loads } = gatedSource()
    const observer = observe(source, ['s'])
    const stop = observer.subscribe(() => {})
    stop()
    observer.subscribe(() => {})
    await flush()
    expect(loads).toHaveLength(1)
    expect(loads[0].signal.aborted).toBe(false)
  })

  test('the last unsubscribe aborts this observer’s load a microtask later', async () => {
    const { source, loads } = gatedSource()
    const observer = observe(source, ['u'])
    observer.subscribe(() => {})()
    expect(loads[0].signal.aborted).toBe(false)
    await flush()
    expect(loads[0].signal.aborted).toBe(true)
  })

  test('enabled: false loads nothing until enabled', () => {
    const { source, loads } = gatedSource()
    const observer = observe(source, ['e'], { enabled: false })
    observer.subscribe(() => {})
    expect(loads).toHaveLength(0)
    observer.setOptions({ enabled: true })
    expect(loads).toHaveLength(1)
  })

  test('refresh() reloads a fresh key; revalidate() loads only a key that is not fresh', async () => {
    const { cache, source, loads } = gatedSource()
    cache.set('item:r', 'old')
    const observer = observe(source, ['r'])
    observer.subscribe(() => {})
    await observer.revalidate()
    expect(loads).toHaveLength(0)
    const refreshing = observer.refresh()
    expect(loads).toHaveLength(1)
    loads[0].settle('new')
    await refreshing
    expect(observer.getSnapshot().data).toBe('new')
  })

  test('refetchInterval reloads while subscribed, and stops with the last subscriber', async () => {
    vi.useFakeTimers()
    const { cache, source, loads } = gatedSource()
    cache.set('item:p', 'v0')
    const observer = observe(source, ['p'], { refetchInterval: 1000 })
    const stop = observer.subscribe(() => {})
    await vi.advanceTimersByTimeAsync(999)
    expect(loads).toHaveLength(0)
    await vi.advanceTimersByTimeAsync(1)
    expect(loads).toHaveLength(1)
    loads[0].settle('v1')
    stop()
    await vi.advanceTimersByTimeAsync(5000)
    expect(loads).toHaveLength(1)
  })

  test('a value becoming stale is told when its TTL runs out, with no event', async () => {
    vi.useFakeTimers()
    const { cache, source } = gatedSource(
      new AsyncCache<string, string>({ maxsize: 10, ttl: 1, staleWhileRevalidate: 60 }),
    )
    cache.set('item:t', 'tea')
    const observer = observe(source, ['t'], { enabled: false })
    const onChange = vi.fn()
    observer.subscribe(onChange)
    expect(observer.getSnapshot().isStale).toBe(false)
    await vi.advanceTimersByTimeAsync(1000)
    expect(onChange).toHaveBeenCalled()
    expect(observer.getSnapshot()).toMatchObject({ data: 'tea', isStale: true })
  })

  test('select derives the data once per stored value', () => {
    const { cache, source } = gatedSource()
    cache.set('item:x', 'abc')
    const select = vi.fn((v: string) => v.toUpperCase())
    const observer = observe(source, ['x'], { select })
    expect(observer.getSnapshot().data).toBe('ABC')
    observer.subscribe(() => {})
    cache.get('item:x')
    observer.getSnapshot()
    expect(select).toHaveBeenCalledTimes(1)
  })

  test('works on an asyncCache-wrapped function as it is', async () => {
    const double = asyncCache()(async (n: number) => n * 2)
    const observer = observe(double, [21])
    observer.subscribe(() => {})
    await flush()
    expect(observer.getSnapshot().data).toBe(42)
  })

  test('bad options are refused by name', () => {
    const { source } = gatedSource()
    expect(() => observe(source, ['1'], { refetchInterval: -1 })).toThrow(
      'observe: refetchInterval must be a number of milliseconds from 0 to 2147483647, got -1',
    )
    expect(() => observe(source, ['1'], { enabled: 'yes' as never })).toThrow(
      'observe: enabled must be a boolean, got "yes"',
    )
  })
})
