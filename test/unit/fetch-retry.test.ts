// @vitest-environment node
import { cachedFetch } from 'asynccache/fetch'
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest'
import { record } from '../support/cache-events.js'
import { type FetchCall, fetchDouble, networkResponse } from '../support/fetch-double.js'

const url = 'https://api.test/orders'

beforeEach(() => {
  vi.useFakeTimers()
})

afterEach(() => {
  vi.useRealTimers()
  vi.restoreAllMocks()
})

/** Answers the calls in turn: a status, or 'offline' for a network error. */
function script(...answers: (number | 'offline' | [number, Record<string, string>])[]) {
  return fetchDouble((call: FetchCall, n) => {
    const answer = answers[n - 1] ?? 200
    if (answer === 'offline') {
      call.fail(new TypeError('offline'))
      return undefined
    }
    const [status, headers] = typeof answer === 'number' ? [answer, {}] : answer
    return networkResponse(call.url, `attempt ${n}`, { status, headers })
  })
}

describe('retry', () => {
  test('is off by default: a 503 reaches the caller after one request', async () => {
    const net = script(503)
    const api = cachedFetch({ fetch: net.fetch })
    expect((await api(url)).status).toBe(503)
    expect(net.calls).toHaveLength(1)
  })

  test('retries network errors and 408/429/5xx with backoff, naming each attempt in events', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(0.5)
    const net = script('offline', 500, 200)
    const api = cachedFetch({
      fetch: net.fetch,
      retry: { attempts: 3, minDelayMs: 100, maxDelayMs: 1_000 },
    })
    const retries: unknown[] = []
    api.cacheInstance.subscribe((event) => {
      if (event.type === 'fetch-retry')
        retries.push({ ...event, time: undefined, error: undefined })
    })

    const loading = api(url)
    await vi.advanceTimersByTimeAsync(49)
    expect(net.calls).toHaveLength(1)
    await vi.advanceTimersByTimeAsync(1)
    expect(net.calls).toHaveLength(2)
    await vi.advanceTimersByTimeAsync(100)
    const response = await loading

    expect(await response.text()).toBe('attempt 3')
    // Full jitter: a random share (here half) of 100 ms, then of 200 ms.
    expect(retries).toEqual([
      {
        type: 'fetch-retry',
        key: url,
        attempt: 1,
        delayMs: 50,
        status: undefined,
        error: undefined,
        time: undefined,
      },
      {
        type: 'fetch-retry',
        key: url,
        attempt: 2,
        delayMs: 100,
        status: 500,
        error: undefined,
        time: undefined,
      },
    ])
    expect(api.stats().retries).toBe(2)
    expect(api.cacheInstance.getStats()).toMatchObject({ misses: 1, size: 1 })
  })

  test.each([408, 429, 500, 502, 503, 504])('retries a %i', async (status) => {
    const net = script(status, 200)
    const api = cachedFetch({ fetch: net.fetch, retry: 1 })
    const loading = api(url)
    await vi.runAllTimersAsync()
    expect((await loading).status).toBe(200)
  })

  test.each([400, 404, 501])('does not retry a %i', async (status) => {
    const net = script(status, 200)
    const api = cachedFetch({ fetch: net.fetch, retry: 3 })
    expect((await api(url)).status).toBe(status)
    expect(net.calls).toHaveLength(1)
  })

  test('gives up after its attempts with the last response or error', async () => {
    const api = cachedFetch({ fetch: script(503, 503, 503).fetch, retry: 2 })
    const loading = api(url)
    await vi.runAllTimersAsync()
    expect(await (await loading).text()).toBe('attempt 3')

    const offline = cachedFetch({ fetch: script('offline', 'offline').fetch, retry: 1 })
    const failing = offline(url)
    const rejected = expect(failing).rejects.toThrow('offline')
    await vi.runAllTimersAsync()
    await rejected
  })

  test('honours Retry-After in seconds and as an HTTP-date, capped by maxDelayMs', async () => {
    const date = 'Tue, 01 Jul 2025 12:00:00 GMT'
    const net = script(
      [503, { 'retry-after': '2' }],
      [429, { 'retry-after': 'Tue, 01 Jul 2025 12:00:03 GMT', date }],
      [503, { 'retry-after': '3600' }],
      [503, { 'retry-after': 'later' }],
    )
    vi.spyOn(Math, 'random').mockReturnValue(0)
    const api = cachedFetch({ fetch: net.fetch, retry: { attempts: 4, maxDelayMs: 10_000 } })
    const delays: number[] = []
    api.cacheInstance.subscribe((event) => {
      if (event.type === 'fetch-retry') delays.push(event.delayMs)
    })
    const loading = api(url)
    await vi.runAllTimersAsync()
    await loading
    // 2 s; 3 s after the response's own Date; an hour capped at 10 s; an invalid one ignored (backoff).
    expect(delays).toEqual([2_000, 3_000, 10_000, 0])
  })

  test('every caller leaving ends the retries at once; a caller staying keeps them going', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(0.5) // waits of 500 ms, then 1,000 ms
    const net = script('offline', 'offline', 200)
    const api = cachedFetch({ fetch: net.fetch, retry: { attempts: 5, minDelayMs: 1_000 } })
    const leaving = new AbortController()
    const staying = new AbortController()
    const first = api(url, { signal: leaving.signal })
    const second = api(url, { signal: staying.signal })
    await vi.advanceTimersByTimeAsync(0)
    leaving.abort(new Error('first left'))
    await expect(first).rejects.toThrow('first left')
    await vi.advanceTimersByTimeAsync(1_000)
    expect(net.calls).toHaveLength(2)

    staying.abort(new Error('second left'))
    await expect(second).rejects.toThrow('second left')
    await vi.runAllTimersAsync()
    expect(net.calls).toHaveLength(2)
    expect(api.cacheInstance.size).toBe(0)
  })

  test('a retried load is one load: one miss, one load-start, one set', async () => {
    const api = cachedFetch({ fetch: script(503, 200).fetch, retry: 1 })
    const events = record(api.cacheInstance)
    const loading = api(url)
    await vi.runAllTimersAsync()
    await loading
    expect(events).toEqual([
      `miss ${url}`,
      `load-start ${url}`,
      `fetch-retry ${url}`,
      `fetch-response ${url}`,
      `set ${url}`,
      `load-success ${url}`,
    ])
  })

  test('bad retry options are refused, naming what is allowed', () => {
    expect(() => cachedFetch({ retry: -1 })).toThrow(
      'retry must be an integer from 0 to 100, got -1',
    )
    expect(() => cachedFetch({ retry: 1.5 })).toThrow(
      'retry must be an integer from 0 to 100, got 1.5',
    )
    expect(() => cachedFetch({ retry: 'twice' as never })).toThrow(
      'retry must be a number of retries or { attempts, minDelayMs, maxDelayMs }, got "twice"',
    )
    expect(() => cachedFetch({ retry: { attempts: 2, maxDelayMs: 2 ** 31 } })).toThrow(
      'retry.maxDelayMs must be a number of milliseconds from 0 to 2147483647, got 2147483648',
    )
    expect(() => cachedFetch({ retry: { attempts: 2, minDelayMs: 500, maxDelayMs: 100 } })).toThrow(
      'retry.maxDelayMs must be at least retry.minDelayMs (500), got 100',
    )
    expect(() => cachedFetch({ retry: {} as never })).toThrow(
      'retry.attempts must be an integer from 0 to 100',
    )
    expect(() => cachedFetch({ retry: undefined })).not.toThrow()
  })
})
