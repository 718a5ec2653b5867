import { cachedFetch } from 'asynccache/fetch'
import { beforeEach, describe, expect, test } from 'vitest'
import {
  changeResource,
  outage,
  release,
  resetTestApi,
  resourceStats,
  resourceUrl,
} from '../support/test-api-client.js'

beforeEach(async () => {
  await resetTestApi()
})

/** A clock the test moves, from the wall clock (the test API's resources send no `Date`). */
function testClock() {
  const clock = { t: Date.now() }
  return { clock, now: () => clock.t }
}

const SIZE = 20_000

describe('revalidation over real HTTP in Chromium', () => {
  test('304s save the body download: five revalidations, one body sent', async () => {
    const api = cachedFetch({ maxsize: 10 })
    const url = resourceUrl('saved', { cacheControl: 'no-cache', size: SIZE })

    const first = await (await api(url)).json()
    const bodies = []
    for (let i = 0; i < 5; i++) bodies.push(await (await api(url)).json())

    const server = await resourceStats('saved')
    expect(server).toMatchObject({ requests: 6, notModified: 5 })
    // Only the first answer carried a body.
    expect(server.bodyBytes).toBe(JSON.stringify(first).length)
    expect(server.bodyBytes).toBeGreaterThan(SIZE)
    expect(bodies).toEqual(Array(5).fill(first))
    expect(api.stats()).toMatchObject({
      revalidations: 5,
      notModified: 5,
      bytesSaved: 5 * server.bodyBytes,
    })
  })

  test('control: reloading in full instead downloads every body', async () => {
    const api = cachedFetch({ maxsize: 10 })
    const url = resourceUrl('reloaded', { cacheControl: 'no-cache', size: SIZE })

    await api(url)
    for (let i = 0; i < 5; i++) await (await api(url, { cache: 'reload' })).json()

    const server = await resourceStats('reloaded')
    expect(server).toMatchObject({ requests: 6, notModified: 0 })
    expect(server.bodyBytes).toBeGreaterThan(6 * SIZE)
  })

  test('a request with its own If-None-Match goes to the server untouched, and its 304 to the caller', async () => {
    const api = cachedFetch({ maxsize: 10 })
    const url = resourceUrl('own', { cacheControl: 'max-age=60' })
    await api(url)

    const response = await api(url, { headers: { 'if-none-match': '"own-1"' } })

    expect(response.status).toBe(304)
    expect(await resourceStats('own')).toMatchObject({ requests: 2, notModified: 1 })
  })

  test('a changed resource answers the revalidation with a 200 that replaces the entry', async () => {
    const { clock, now } = testClock()
    const api = cachedFetch({ maxsize: 10, now })
    const url = resourceUrl('changed', { cacheControl: 'max-age=60' })
    expect(await api.json(url)).toMatchObject({ version: 1 })

    await changeResource('changed')
    expect(await api.json(url)).toMatchObject({ version: 1 }) // fresh: no request
    clock.t += 60_000
    expect(await api.json(url)).toMatchObject({ version: 2 })
    expect(await api.json(url)).toMatchObject({ version: 2 })

    expect(await resourceStats('changed')).toMatchObject({ requests: 2, notModified: 0 })
    expect(api.stats()).toMatchObject({ revalidations: 1, notModified: 0 })
  })

  test('Last-Modified alone revalidates with If-Modified-Since', async () => {
    const { clock, now } = testClock()
    const api = cachedFetch({ maxsize: 10, now })
    const url = resourceUrl('dated', { cacheControl: 'max-age=1', validators: 'last-modified' })
    await api(url)
    clock.t += 1_000

    expect(await api.json(url)).toMatchObject({ version: 1 })
    expect(await resourceStats('dated')).toMatchObject({ requests: 2, notModified: 1 })
  })

  test('50 callers meeting a no-cache entry share one conditional request, each with its own body', async () => {
    const api = cachedFetch({ maxsize: 10 })
    const held = resourceUrl('shared', { cacheControl: 'no-cache', hold: 'shared' })
    // Stored first, answered at once; the reset then holds the next request, counted from 0.
    await release('shared')
    await api(held)
    await resetTestApi()

    const waiting = Array.from({ length: 50 }, () => api(held))
    await release('shared')
    const responses = await Promise.all(waiting)

    expect(await resourceStats('shared')).toMatchObject({ requests: 1 })
    expect(new Set(responses).size).toBe(50)
    const bodies = await Promise.all(responses.map((r) => r.json()))
    expect(bodies.every((body) => body.version === 1)).toBe(true)
  })

  test('must-revalidate: a dropped connection during revalidation answers 504, not the stale body', async () => {
    const { clock, now } = testClock()
    const api = cachedFetch({ maxsize: 10, now, staleWhileRevalidate: 600, staleIfError: 600 })
    const url = resourceUrl('strict', { cacheControl: 'max-age=1, must-revalidate' })
    await api(url)
    await outage('strict', 'drop')
    clock.t += 1_000

    const response = await api(url)

    expect(response.status).toBe(504)
    // Chromium itself retries a request whose connection was reset, so the server counts a few.
    expect((await resourceStats('strict')).requests).toBeGreaterThanOrEqual(2)
  })

  test('stale-if-error: a 503 during revalidation answers with the stale entry', async () => {
    const { clock, now } = testClock()
    const api = cachedFetch({ maxsize: 10, now })
    const url = resourceUrl('fallback', { cacheControl: 'max-age=1, stale-if-error=60' })
    await api(url)
    await outage('fallback', 503)
    clock.t += 1_000

    const response = await api(url)

    expect(response.status).toBe(200)
    expect(await response.json()).toMatchObject({ version: 1 })
    expect(api.stats().staleIfError).toBe(1)
  })

  test('retry: a 503 for two requests is retried into a success', async () => {
    const api = cachedFetch({ maxsize: 10, retry: { attempts: 3, minDelayMs: 1, maxDelayMs: 5 } })
    const url = resourceUrl('flaky')
    await outage('flaky', 503, 2)
    const attempts: number[] = []
    api.cacheInstance.subscribe((event) => {
      if (event.type === 'fetch-retry') attempts.push(event.attempt)
    })

    const response = await api(url)

    expect(response.status).toBe(200)
    expect(attempts).toEqual([1, 2])
    expect(await resourceStats('flaky')).toMatchObject({ requests: 3 })
  })
})
