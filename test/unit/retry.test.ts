import { asyncCache, type CacheEvent } from 'asynccache'
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest'

/** A loader that rejects its first `failures` calls, then resolves with the call count. */
function flaky(failures: number) {
  let calls = 0
  const fn = async (id: number) => {
    calls++
    if (calls <= failures) throw new Error(`try ${calls} failed`)
    return id * 10 + calls
  }
  return { fn, calls: () => calls }
}

describe('asyncCache({ retry })', () => {
  beforeEach(() => vi.useFakeTimers())
  afterEach(() => {
    vi.useRealTimers()
    vi.restoreAllMocks()
  })

  test('retries a rejected load after a jittered, growing delay: a random share of min * 2^(attempt - 1)', async () => {
    // The largest share the jitter can draw: the waits are the ceilings, 100 then 200 ms.
    vi.spyOn(Math, 'random').mockReturnValue(1)
    const { fn, calls } = flaky(2)
    const load = asyncCache({ retry: { attempts: 3, minDelayMs: 100, maxDelayMs: 10_000 } })(fn)
    const retries: CacheEvent[] = []
    load.cacheInstance.subscribe((e) => e.type === 'load-retry' && retries.push(e))
    const result = load(1)
    await vi.advanceTimersByTimeAsync(0)
    expect(calls()).toBe(1)
    await vi.advanceTimersByTimeAsync(99)
    expect(calls()).toBe(1)
    await vi.advanceTimersByTimeAsync(1) // 100 * 2^0
    expect(calls()).toBe(2)
    await vi.advanceTimersByTimeAsync(199)
    expect(calls()).toBe(2)
    await vi.advanceTimersByTimeAsync(1) // 100 * 2^1
    expect(calls()).toBe(3)
    expect(await result).toBe(13)
    expect(
      retries.map((e) => e.type === 'load-retry' && [e.attempt, String(e.error), e.delayMs]),
    ).toEqual([
      [1, 'Error: try 1 failed', 100],
      [2, 'Error: try 2 failed', 200],
    ])
  })

  test('the jitter spreads waits between 0 and the ceiling', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(0.25)
    const { fn, calls } = flaky(1)
    const load = asyncCache({ retry: { attempts: 1, minDelayMs: 400 } })(fn)
    const result = load(3)
    await vi.advanceTimersByTimeAsync(99)
    expect(calls()).toBe(1)
    await vi.advanceTimersByTimeAsync(1) // a quarter of 400 ms
    expect(await result).toBe(32)
  })

  test('gives up after the attempts, rejecting every waiter with the last error; a success is not retried', async () => {
    const { fn, calls } = flaky(5)
    const load = asyncCache({ retry: { attempts: 2, minDelayMs: 10, maxDelayMs: 10 } })(fn)
    const a = load(1)
    const b = load(1) // joins the one retrying load
    const both = Promise.allSettled([a, b])
    await vi.advanceTimersByTimeAsync(100)
    const [ra, rb] = await both
    expect(calls()).toBe(3)
    expect(ra).toEqual({ status: 'rejected', reason: new Error('try 3 failed') })
    expect(rb).toEqual(ra)
    expect(load.cacheInstance.size).toBe(0)
  })

  test('a number is the attempts with the default delays (up to 1 s, doubling, at most 30 s)', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(1)
    const { fn, calls } = flaky(1)
    const load = asyncCache({ retry: 1 })(fn)
    const result = load(2)
    await vi.advanceTimersByTimeAsync(999)
    expect(calls()).toBe(1)
    await vi.advanceTimersByTimeAsync(1001)
    expect(await result).toBe(22)
  })

  test('the wait is aborted once every caller has left, and no try follows', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(1)
    const { fn, calls } = flaky(5)
    const load = asyncCache({ retry: { attempts: 3, minDelayMs: 50 } })(fn)
    const controller = new AbortController()
    const result = load.load([1], { signal: controller.signal })
    await vi.advanceTimersByTimeAsync(0)
    controller.abort(new Error('left'))
    await expect(result).rejects.toThrow('left')
    await vi.advanceTimersByTimeAsync(10_000)
    expect(calls()).toBe(1)
  })

  test('without retry a rejection reaches the callers at once', async () => {
    const { fn, calls } = flaky(1)
    await expect(asyncCache()(fn)(1)).rejects.toThrow('try 1 failed')
    expect(calls()).toBe(1)
  })

  test('bad retry options are refused with what is allowed', () => {
    expect(() => asyncCache({ retry: -1 })).toThrow(
      'retry must be an integer from 0 to 100, got -1',
    )
    expect(() => asyncCache({ retry: 'x' as never })).toThrow(
      'retry must be a number of retries or { attempts, minDelayMs, maxDelayMs }, got "x"',
    )
    expect(() => asyncCache({ retry: { attempts: 1.5 } })).toThrow(
      'retry.attempts must be an integer',
    )
    expect(() => asyncCache({ retry: { attempts: 1, minDelayMs: Number.NaN } })).toThrow(
      'retry.minDelayMs must be a number of milliseconds from 0 to 2147483647, got NaN',
    )
    expect(() => asyncCache({ retry: { attempts: 1, minDelayMs: 500, maxDelayMs: 100 } })).toThrow(
      'retry.maxDelayMs must be at least retry.minDelayMs (500), got 100',
    )
    expect(() => asyncCache({ retry: undefined })).not.toThrow()
  })
})

describe('fn.keyOf, fn.peek, fn.load', () => {
  test('keyOf is the key a call uses; peek reads it without loading or counting', async () => {
    let runs = 0
    const double = asyncCache({ maxsize: 4 })(async (n: number) => {
      runs++
      return n * 2
    })
    expect(double.peek(3)).toBeUndefined()
    await double(3)
    expect(double.cacheInstance.has(double.keyOf(3))).toBe(true)
    const before = double.cacheInstance.getStats()
    expect(double.peek(3)).toBe(6)
    expect(double.cacheInstance.getStats()).toEqual(before)
    expect(runs).toBe(1)
  })

  test('load(args, { refresh: true }) reloads over a fresh entry; { signal } lets only that caller leave', async () => {
    let runs = 0
    let release!: () => void
    const fn = asyncCache()(async (n: number) => {
      runs++
      await new Promise<void>((r) => {
        release = r
      })
      return n + runs
    })
    const controller = new AbortController()
    const leaving = fn.load([1], { signal: controller.signal })
    const staying = fn(1)
    controller.abort(new Error('gone'))
    await expect(leaving).rejects.toThrow('gone')
    release()
    expect(await staying).toBe(2)
    const refreshed = fn.load([1], { refresh: true })
    release()
    expect(await refreshed).toBe(3)
    expect(fn.peek(1)).toBe(3)
  })
})
