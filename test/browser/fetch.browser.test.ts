import { cachedFetch } from 'asynccache/fetch'
import { beforeEach, describe, expect, test } from 'vitest'
import { record } from '../support/cache-events.js'
import {
  dataUrl,
  release,
  requestCount,
  resetTestApi,
  streamUrl,
  type TestApiBody,
} from '../support/test-api-client.js'

beforeEach(async () => {
  await resetTestApi()
})

describe('cachedFetch over real HTTP in Chromium', () => {
  test('control: without the cache every fetch reaches the server', async () => {
    await fetch(dataUrl('control'))
    await fetch(dataUrl('control'))
    expect(await requestCount('control')).toBe(2)
  })

  test('50 concurrent identical requests reach the server once', async () => {
    const api = cachedFetch({ maxsize: 10 })
    const url = dataUrl('fifty', { hold: 'fifty' })

    const waiting = Array.from({ length: 50 }, () => api(url))
    await release('fifty')
    const responses = await Promise.all(waiting)

    expect(await requestCount('fifty')).toBe(1)
    expect(new Set(responses).size).toBe(50)
    const bodies = await Promise.all(responses.map((r) => r.json() as Promise<TestApiBody>))
    expect(bodies.every((body) => body.count === 1 && body.path === '/data/fifty')).toBe(true)
    expect(api.cacheInstance.getStats()).toMatchObject({ misses: 1, hits: 49 })
  })

  test('a hit makes no request, and its replayed Response reads like the original', async () => {
    const api = cachedFetch({ maxsize: 10 })
    const url = dataUrl('hit', { headers: { 'x-served-by': 'test-api' } })
    const original = await api(url)
    const absolute = new URL(url, location.href).href

    const hit = await api(url)

    expect(await requestCount('hit')).toBe(1)
    expect(hit).not.toBe(original)
    expect(hit.status).toBe(200)
    expect(hit.url).toBe(absolute)
    expect(original.url).toBe(absolute)
    expect(hit.type).toBe('basic')
    expect(hit.headers.get('x-served-by')).toBe('test-api')
    expect(hit.headers.get('content-type')).toBe('application/json')
    expect(await hit.json()).toEqual({ path: '/data/hit', method: 'GET', count: 1 })
    expect(await original.json()).toEqual({ path: '/data/hit', method: 'GET', count: 1 })
    expect(await api.json(url)).toEqual({ path: '/data/hit', method: 'GET', count: 1 })
    expect(await requestCount('hit')).toBe(1)
  })

  test('Cache-Control: no-store from the server is never stored', async () => {
    const api = cachedFetch({ maxsize: 10 })
    const url = dataUrl('no-store', { headers: { 'cache-control': 'no-store' } })

    expect(await api.json(url)).toMatchObject({ count: 1 })
    expect(await api.json(url)).toMatchObject({ count: 2 })
    expect(await requestCount('no-store')).toBe(2)
  })

  test('a max-age response from the server is stored once, with its TTL', async () => {
    const clock = { t: 0 }
    const api = cachedFetch({ maxsize: 10, ttl: 5, now: () => clock.t })
    const url = dataUrl('max-age', { headers: { 'cache-control': 'max-age=60' } })
    const key = new URL(url, location.href).href
    const events = record(api.cacheInstance)

    await api(url)

    expect(events).toEqual([
      `miss ${key}`,
      `load-start ${key}`,
      `fetch-response ${key}`,
      `set ${key}`,
      `load-success ${key}`,
    ])
    expect(api.cacheInstance.inspect()[0]).toMatchObject({ frequency: 1, ttlRemainingMs: 60_000 })
  })

  test('a 503 reaches 3 concurrent callers from one request, is not stored, and loads successfully', async () => {
    const api = cachedFetch({ maxsize: 10 })
    const url = dataUrl('unavailable', { status: 503, hold: 'unavailable' })
    const key = new URL(url, location.href).href
    const events = record(api.cacheInstance)

    const waiting = [api(url), api(url), api(url)]
    await release('unavailable')
    const responses = await Promise.all(waiting)

    expect(await requestCount('unavailable')).toBe(1)
    expect(new Set(responses).size).toBe(3)
    for (const response of responses) {
      expect(response.status).toBe(503)
      expect(await response.json()).toMatchObject({ path: '/data/unavailable', count: 1 })
    }
    expect(events).toEqual([
      `miss ${key}`,
      `load-start ${key}`,
      `hit ${key}`,
      `hit ${key}`,
      `fetch-response ${key}`,
      `load-success ${key}`,
    ])
    expect(api.cacheInstance.size).toBe(0)
  })

  test('a response with Vary: Authorization is stored only when vary holds authorization', async () => {
    const url = dataUrl('vary', { headers: { vary: 'Authorization' } })
    const alice = { headers: { authorization: 'Bearer alice' } }
    const bob = { headers: { authorization: 'Bearer bob' } }
    const unkeyed = cachedFetch({ maxsize: 10 })
    const keyed = cachedFetch({ maxsize: 10, vary: ['Authorization'] })

    expect(await unkeyed.json(url, alice)).toMatchObject({ count: 1 })
    expect(await unkeyed.json(url, bob)).toMatchObject({ count: 2 })
    expect(unkeyed.cacheInstance.size).toBe(0)
    expect(await keyed.json(url, alice)).toMatchObject({ count: 3 })
    expect(await keyed.json(url, bob)).toMatchObject({ count: 4 })
    expect(await keyed.json(url, alice)).toMatchObject({ count: 3 })
    expect(await requestCount('vary')).toBe(4)
  })

  test('an event stream that stays open reaches every caller at once, live, and is not stored', async () => {
    const api = cachedFetch({ maxsize: 10, cacheable: () => true })

    const responses = await Promise.all([api(streamUrl('sse')), api(streamUrl('sse'))])

    expect(await requestCount('sse')).toBe(1)
    for (const response of responses) {
      const { value } = await (response.body as ReadableStream<Uint8Array>).getReader().read()
      expect(new TextDecoder().decode(value)).toBe('data: 1\n\n')
    }
    expect(api.cacheInstance.size).toBe(0)
    await release('sse')
  })

  test('a successful POST invalidates the cached GET of its URL', async () => {
    const api = cachedFetch({ maxsize: 10 })
    const url = dataUrl('post')
    await api(url)
    await api(url)

    expect(await (await api(url, { method: 'POST', body: '{}' })).json()).toMatchObject({
      method: 'POST',
      count: 2,
    })
    expect(await api.json(url)).toMatchObject({ method: 'GET', count: 3 })
    expect(await requestCount('post')).toBe(3)
  })

  test('an opaque cross-origin response reaches every caller of its flight, and is never stored', async () => {
    const api = cachedFetch({ maxsize: 10, cacheable: () => true })
    // Another origin of the same server: localhost and 127.0.0.1 are different origins.
    const other = new URL(dataUrl('opaque'), location.href)
    other.hostname = location.hostname === '127.0.0.1' ? 'localhost' : '127.0.0.1'
    const events = record(api.cacheInstance)

    const together = await Promise.all([1, 2, 3].map(() => api(other.href, { mode: 'no-cors' })))
    await api(other.href, { mode: 'no-cors' })

    expect(new Set(together).size).toBe(3)
    expect(together.map((r) => [r.type, r.status])).toEqual(Array(3).fill(['opaque', 0]))
    expect(await requestCount('opaque')).toBe(2)
    expect(api.cacheInstance.size).toBe(0)
    expect(events.filter((e) => /^(load-|set)/.test(e))).toEqual(
      Array(2)
        .fill([`load-start ${other.href}`, `load-success ${other.href}`])
        .flat(),
    )
  })

  test('aborting the only caller aborts the real request', async () => {
    const api = cachedFetch({ maxsize: 10 })
    const controller = new AbortController()

    const call = api(dataUrl('abort', { hold: 'abort' }), { signal: controller.signal })
    controller.abort(new Error('navigated away'))

    await expect(call).rejects.toThrow('navigated away')
    expect(api.cacheInstance.size).toBe(0)
  })
})
