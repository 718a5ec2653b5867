// @vitest-environment node
// Node's Response follows the Fetch standard (happy-dom's accepts status 0 and does not copy bodies).
import { type CachedFetchOptions, cachedFetch } from 'asynccache/fetch'
import { describe, expect, test } from 'vitest'
import { nextEvent, record } from '../support/cache-events.js'
import { type FetchCall, fetchDouble, networkResponse } from '../support/fetch-double.js'

const url = 'https://api.test/products/7'

/** The header a request of the double was sent with, or null. */
const sent = (call: FetchCall | undefined, name: string) =>
  new Headers(call?.init?.headers).get(name)

/**
 * A resource as an origin server holds it: a body, its ETag (a version number) and response
 * headers. Conditional requests naming the current ETag are answered 304, with those headers.
 */
function origin(headers: Record<string, string>) {
  const resource = { version: 1, headers }
  const tag = () => `"v${resource.version}"`
  const respond = (call: FetchCall) => {
    const all = { etag: tag(), ...resource.headers }
    if (sent(call, 'if-none-match') === tag()) {
      return networkResponse(call.url, null, { status: 304, headers: all })
    }
    return networkResponse(call.url, `body of version ${resource.version}`, { headers: all })
  }
  return { resource, respond }
}

/** A cachedFetch over `origin`, on a clock the test moves (ms). */
function setup(headers: Record<string, string>, options: CachedFetchOptions = {}) {
  const clock = { t: 0 }
  const server = origin(headers)
  const net = fetchDouble(server.respond)
  const api = cachedFetch({ fetch: net.fetch, now: () => clock.t, ...options })
  return { api, net, clock, server }
}

/**
 * A cachedFetch on a clock the test moves, its entry for `url` stored from `first`'s answer;
 * `later` answers the next requests (`undefined` leaves one pending for the test).
 */
async function stored(
  first: (call: FetchCall) => Response,
  later: (call: FetchCall) => Response | undefined,
  options: CachedFetchOptions = {},
) {
  const clock = { t: 0 }
  const net = fetchDouble((call, n) => (n === 1 ? first(call) : later(call)))
  const api = cachedFetch({ fetch: net.fetch, now: () => clock.t, ...options })
  await api(url)
  return { api, net, clock }
}

/** An answer with this body and these headers (and status). */
const answer =
  (body: string | null, headers: Record<string, string>, status?: number) => (call: FetchCall) =>
    networkResponse(call.url, body, { status, headers })

/** Fails a request as fetch does when the network is down. */
const offline = (call: FetchCall) => {
  call.fail(new TypeError('offline'))
  return undefined
}

const pending = () => undefined

describe('revalidation with validators', () => {
  test('a stale entry is revalidated with If-None-Match; a 304 keeps the body and updates headers and freshness', async () => {
    const { api, net, clock, server } = setup({ 'cache-control': 'max-age=10', 'x-build': 'a' })
    expect(await (await api(url)).text()).toBe('body of version 1')
    const revalidated = nextEvent(api.cacheInstance, 'revalidated')

    clock.t = 10_000
    server.resource.headers = { 'cache-control': 'max-age=60', 'x-build': 'b' }
    const response = await api(url)

    expect(sent(net.calls[1], 'if-none-match')).toBe('"v1"')
    expect(response.status).toBe(200)
    expect(await response.text()).toBe('body of version 1')
    expect(response.headers.get('x-build')).toBe('b')
    expect(await revalidated).toMatchObject({ key: url, notModified: true, bytesSaved: 17 })
    expect(api.stats()).toMatchObject({ revalidations: 1, notModified: 1, bytesSaved: 17 })
    // Fresh again for the 304's max-age=60, from when it arrived.
    expect(api.cacheInstance.peek(url)?.http?.staleAt).toBe(70_000)
    clock.t = 69_999
    await api(url)
    expect(net.calls).toHaveLength(2)
  })

  test('Last-Modified alone is sent as If-Modified-Since; a 304 without validators still freshens', async () => {
    const modified = 'Tue, 01 Jul 2025 12:00:00 GMT'
    const { api, net, clock } = await stored(
      answer('dated', { 'last-modified': modified, 'cache-control': 'max-age=1' }),
      answer(null, { 'cache-control': 'max-age=5' }, 304),
    )
    clock.t = 1_000

    expect(await (await api(url)).text()).toBe('dated')
    expect(sent(net.calls[1], 'if-modified-since')).toBe(modified)
    expect(sent(net.calls[1], 'if-none-match')).toBeNull()
    expect(api.cacheInstance.peek(url)?.http?.staleAt).toBe(6_000)
  })

  test('an invalid Last-Modified is no validator: a no-cache response with only that is not stored', async () => {
    const net = fetchDouble((call) =>
      networkResponse(call.url, 'x', {
        headers: { 'last-modified': 'yesterday', 'cache-control': 'no-cache' },
      }),
    )
    const api = cachedFetch({ fetch: net.fetch })
    await api(url)
    await api(url)
    expect(api.cacheInstance.size).toBe(0)
    expect(sent(net.calls[1], 'if-modified-since')).toBeNull()
  })

  test('a 200 to the conditional request replaces the entry', async () => {
    const { api, clock, server } = setup({ 'cache-control': 'max-age=10' })
    await api(url)
    const events = record(api.cacheInstance)
    clock.t = 10_000
    server.resource.version = 2

    expect(await (await api(url)).text()).toBe('body of version 2')
    expect(await (await api(url)).text()).toBe('body of version 2')
    expect(events).toContain(`revalidated ${url}`)
    expect(api.stats()).toMatchObject({ revalidations: 1, notModified: 0, bytesSaved: 0 })
    expect(api.cacheInstance.peek(url)?.headers).toContainEqual(['etag', '"v2"'])
  })

  test('a 304 naming another ETag cannot update the entry: the response is loaded in full', async () => {
    const net = fetchDouble((call, n) => {
      const headers = { etag: n === 2 ? '"other"' : `"v${n}"`, 'cache-control': 'max-age=1' }
      return n === 2
        ? networkResponse(call.url, null, { status: 304, headers })
        : networkResponse(call.url, `full ${n}`, { headers })
    })
    const clock = { t: 0 }
    const api = cachedFetch({ fetch: net.fetch, now: () => clock.t })
    await api(url)
    clock.t = 1_000

    expect(await (await api(url)).text()).toBe('full 3')
    expect(sent(net.calls[2], 'if-none-match')).toBeNull()
    expect(api.stats()).toMatchObject({ revalidations: 1, notModified: 0 })
  })

  test('weak ETags match weakly', async () => {
    const { api, clock } = await stored(
      answer('weak', { etag: 'W/"1"', 'cache-control': 'max-age=1' }),
      answer(null, { etag: 'W/"1"' }, 304),
    )
    clock.t = 1_000
    expect(await (await api(url)).text()).toBe('weak')
    expect(api.stats().notModified).toBe(1)
  })

  test('a 304 does not update Content-Length or Content-Encoding: they describe the stored bytes', async () => {
    const { api, clock } = await stored(
      answer('abc', { etag: '"1"', 'cache-control': 'max-age=1', 'content-length': '3' }),
      answer(
        null,
        { etag: '"1"', 'content-length': '999', 'content-encoding': 'br', 'x-new': '1' },
        304,
      ),
    )
    clock.t = 1_000
    const response = await api(url)
    expect(response.headers.get('content-length')).toBe('3')
    expect(response.headers.get('content-encoding')).toBeNull()
    expect(response.headers.get('x-new')).toBe('1')
  })

  test('a request carrying its own conditional header passes through untouched, uncounted', async () => {
    const { api, net } = setup({ 'cache-control': 'max-age=60' })
    await api(url)
    const headers = { 'if-none-match': '"v1"' }

    const response = await api(url, { headers })

    expect(response.status).toBe(304)
    expect(net.calls[1]?.init?.headers).toBe(headers)
    expect(api.cacheInstance.getStats()).toMatchObject({ hits: 0, misses: 1 })
  })

  test("cache: 'no-cache' revalidates a fresh entry; 'reload' loads it in full", async () => {
    const { api, net } = setup({ 'cache-control': 'max-age=60' })
    await api(url)

    expect(await (await api(url, { cache: 'no-cache' })).text()).toBe('body of version 1')
    expect(sent(net.calls[1], 'if-none-match')).toBe('"v1"')
    await api(url, { cache: 'reload' })
    expect(sent(net.calls[2], 'if-none-match')).toBeNull()
    expect(api.stats()).toMatchObject({ revalidations: 1, notModified: 1 })
  })
})

describe('no-cache and max-age=0', () => {
  test.each([['no-cache'], ['max-age=0'], ['max-age=600, no-cache']])(
    '%s with an ETag is stored and revalidated on every use',
    async (cacheControl) => {
      const { api, net } = setup({ 'cache-control': cacheControl })
      await api(url)
      expect(api.cacheInstance.size).toBe(1)

      for (let i = 0; i < 3; i++) expect(await (await api(url)).text()).toBe('body of version 1')

      expect(net.calls).toHaveLength(4)
      expect(net.calls.slice(1).map((call) => sent(call, 'if-none-match'))).toEqual([
        '"v1"',
        '"v1"',
        '"v1"',
      ])
      expect(api.stats().notModified).toBe(3)
    },
  )

  test('one conditional request however many callers wait, each with its own Response', async () => {
    const server = origin({ 'cache-control': 'no-cache' })
    const net = fetchDouble((call, n) => (n === 1 ? server.respond(call) : undefined))
    const api = cachedFetch({ fetch: net.fetch })
    await api(url)

    const waiting = Array.from({ length: 5 }, () => api(url))
    expect(net.calls).toHaveLength(2)
    net.calls[1]?.respond(server.respond(net.calls[1]))
    const responses = await Promise.all(waiting)

    expect(new Set(responses).size).toBe(5)
    const bodies = await Promise.all(responses.map((r) => r.text()))
    expect(bodies).toEqual(Array(5).fill('body of version 1'))
    expect(api.cacheInstance.getStats()).toMatchObject({ misses: 2, hits: 4 })
  })

  test('a no-cache response without a validator is not stored', async () => {
    const net = fetchDouble((call) =>
      networkResponse(call.url, 'x', { headers: { 'cache-control': 'no-cache' } }),
    )
    const api = cachedFetch({ fetch: net.fetch })
    await api(url)
    await api(url)
    expect(api.cacheInstance.size).toBe(0)
    expect(net.calls).toHaveLength(2)
  })
})

describe('revalidations are loads: single-flight, abort, and set/delete/clear win', () => {
  /** A stored no-cache entry, its revalidation held by the double. */
  async function held() {
    const server = origin({ 'cache-control': 'no-cache' })
    const net = fetchDouble((call, n) => (n === 1 ? server.respond(call) : undefined))
    const api = cachedFetch({ fetch: net.fetch })
    await api(url)
    const answer = () => net.calls[1]?.respond(server.respond(net.calls[1] as FetchCall))
    return { api, net, answer }
  }

  test('a caller aborting leaves the revalidation to the others; the last one leaving aborts it', async () => {
    const { api, net, answer } = await held()
    const leaving = new AbortController()
    const first = api(url, { signal: leaving.signal })
    const second = api(url)

    leaving.abort(new Error('left'))
    await expect(first).rejects.toThrow('left')
    expect(net.calls[1]?.signal?.aborted).toBe(false)
    answer()
    expect(await (await second).text()).toBe('body of version 1')

    const a = new AbortController()
    const b = new AbortController()
    const both = [api(url, { signal: a.signal }), api(url, { signal: b.signal })]
    a.abort(new Error('a'))
    b.abort(new Error('b'))
    await expect(Promise.all(both)).rejects.toThrow('a')
    expect(net.calls[2]?.signal?.aborted).toBe(true)
  })

  test.each([
    ['a delete', (cache: { delete(key: string): unknown }) => cache.delete(url)],
    ['a clear', (cache: { clear(): unknown }) => cache.clear()],
  ])(
    '%s during a revalidation wins: its 304 answers the callers and is not stored',
    async (_name, change) => {
      const { api, answer } = await held()
      const waiting = api(url)
      change(api.cacheInstance)
      answer()

      expect(await (await waiting).text()).toBe('body of version 1')
      expect(api.cacheInstance.size).toBe(0)
    },
  )

  test('a set during a revalidation wins over its 304', async () => {
    const { api, answer } = await held()
    const waiting = api(url)
    const body = new TextEncoder().encode('set by the app').buffer
    const set = { status: 200, statusText: 'OK', headers: [], url, redirected: false, body }
    api.cacheInstance.set(url, { ...set, type: 'basic' })
    answer()

    expect(await (await waiting).text()).toBe('body of version 1')
    expect(await (await api(url)).text()).toBe('set by the app')
  })
})

describe('must-revalidate', () => {
  test("forbids serving the entry stale, whatever the cache's staleWhileRevalidate", async () => {
    const server = origin({ 'cache-control': 'max-age=1, must-revalidate' })
    const { api, net, clock } = await stored(server.respond, pending, { staleWhileRevalidate: 60 })
    clock.t = 1_000
    server.resource.version = 2

    const waiting = api(url)
    net.calls[1]?.respond(server.respond(net.calls[1]))

    // The caller waited for the revalidation: it got version 2, never the stale version 1.
    expect(await (await waiting).text()).toBe('body of version 2')
    expect(api.cacheInstance.getStats()).toMatchObject({ hits: 0, misses: 2 })
  })

  test('a network error during its revalidation answers 504 Gateway Timeout, and load-error tells the cause', async () => {
    const server = origin({ 'cache-control': 'max-age=1, must-revalidate' })
    const { api, clock } = await stored(server.respond, offline, { staleIfError: 600 })
    const failed = nextEvent(api.cacheInstance, 'load-error')
    clock.t = 1_000

    const response = await api(url)

    expect([response.status, response.statusText]).toEqual([504, 'Gateway Timeout'])
    expect(await response.text()).toContain('offline')
    expect((await failed).error).toMatchObject({ message: 'offline' })
    await expect(api.json(url)).rejects.toMatchObject({ name: 'HttpError', status: 504 })
    expect(api.cacheInstance.info(url)).toBeDefined()
  })

  test("the response's own stale-if-error still serves it when revalidation fails", async () => {
    const server = origin({ 'cache-control': 'max-age=1, must-revalidate, stale-if-error=60' })
    const { api, clock } = await stored(server.respond, offline)
    clock.t = 1_000
    expect(await (await api(url)).text()).toBe('body of version 1')
    expect(api.stats().staleIfError).toBe(1)
  })

  test('proxy-revalidate and s-maxage are for shared caches: ignored', async () => {
    const { api, net, clock } = setup({
      'cache-control': 'max-age=1, s-maxage=100, proxy-revalidate, stale-while-revalidate=30',
    })
    await api(url)
    clock.t = 1_000
    const refreshed = nextEvent(api.cacheInstance, 'load-success')
    expect(await (await api(url)).text()).toBe('body of version 1') // served stale
    await refreshed
    expect(net.calls).toHaveLength(2)
  })
})

describe("the response's stale-while-revalidate and stale-if-error (RFC 5861)", () => {
  test("stale-while-revalidate=N serves the entry stale for N seconds while it revalidates, without the cache's option", async () => {
    const server = origin({ 'cache-control': 'max-age=10, stale-while-revalidate=20' })
    const { api, net, clock } = await stored(server.respond, pending)
    const events = record(api.cacheInstance)

    clock.t = 29_999
    expect(await (await api(url)).text()).toBe('body of version 1')
    expect(await (await api(url)).text()).toBe('body of version 1')
    expect(net.calls).toHaveLength(2)
    // Two stale answers (hits), one revalidation (a load: a miss).
    expect(events).toEqual([
      `hit ${url}`,
      `miss ${url}`,
      `load-start ${url}`,
      `stale ${url}`,
      `hit ${url}`,
      `stale ${url}`,
    ])
    const freshened = nextEvent(api.cacheInstance, 'revalidated')
    net.calls[1]?.respond(server.respond(net.calls[1]))
    await freshened
  })

  test('past its stale-while-revalidate window a request waits for the revalidation', async () => {
    const { api, clock, server } = setup({
      'cache-control': 'max-age=10, stale-while-revalidate=20',
    })
    await api(url)
    clock.t = 30_000
    server.resource.version = 2

    expect(await (await api(url)).text()).toBe('body of version 2')
    expect(api.cacheInstance.getStats()).toMatchObject({ hits: 0, misses: 2 })
  })

  test("the larger of the response's window and the cache's applies", async () => {
    const { api, net, clock } = setup(
      { 'cache-control': 'max-age=10, stale-while-revalidate=5' },
      { staleWhileRevalidate: 50 },
    )
    await api(url)
    clock.t = 59_000
    await api(url)
    expect(net.calls).toHaveLength(2)
    expect(api.cacheInstance.getStats()).toMatchObject({ hits: 1 })
  })

  test.each(['offline', 500, 502, 503, 504] as const)(
    'stale-if-error=N answers a failure (%s) with the stale entry, for N seconds past freshness',
    async (failure) => {
      const server = origin({ 'cache-control': 'max-age=10, stale-if-error=20' })
      const { api, clock } = await stored(
        server.respond,
        failure === 'offline' ? offline : answer('down', {}, failure),
      )
      const told = nextEvent(api.cacheInstance, 'stale-if-error')

      clock.t = 29_999
      const response = await api(url)
      expect([response.status, await response.text()]).toEqual([200, 'body of version 1'])
      expect(await told).toMatchObject({ key: url })

      clock.t = 30_000
      const late = await api(url).then(
        (r) => r.status,
        (error: Error) => error.message,
      )
      expect(late).toBe(failure)
    },
  )

  test("a failed revalidation of a fresh entry (cache: 'no-cache') is no stale answer: it fails", async () => {
    const { api } = await stored(
      answer('v1', { etag: '"1"', 'cache-control': 'max-age=60, stale-if-error=600' }),
      offline,
    )
    await expect(api(url, { cache: 'no-cache' })).rejects.toThrow('offline')
    expect(await (await api(url)).text()).toBe('v1')
  })

  test('a 501 is no error stale-if-error covers: it reaches the caller', async () => {
    const { api, clock } = await stored(
      answer('v1', { 'cache-control': 'max-age=1, stale-if-error=60' }),
      answer('nope', {}, 501),
    )
    clock.t = 1_000
    expect((await api(url)).status).toBe(501)
  })

  test('the staleIfError option is the default for responses without the directive', async () => {
    const { api, clock } = await stored(answer('v1', { 'cache-control': 'max-age=1' }), offline, {
      staleIfError: 30,
    })
    expect(api.cacheInstance.inspect()[0]?.ttlRemainingMs).toBe(31_000)
    clock.t = 30_999
    expect(await (await api(url)).text()).toBe('v1')
    expect(() => cachedFetch({ staleIfError: -1 })).toThrow(
      'staleIfError must be a number of seconds, 0 or more, got -1',
    )
  })
})

describe('freshness', () => {
  const dated = (headers: Record<string, string>) => {
    const clock = { t: Date.parse('Tue, 01 Jul 2025 12:00:10 GMT') }
    const net = fetchDouble((call) => networkResponse(call.url, 'x', { headers }))
    const api = cachedFetch({ fetch: net.fetch, now: () => clock.t })
    return { api, clock }
  }

  test('the apparent age (arrival minus Date) counts when larger than Age', async () => {
    const { api, clock } = dated({
      date: 'Tue, 01 Jul 2025 12:00:00 GMT',
      'cache-control': 'max-age=60',
    })
    await api(url)
    expect(api.cacheInstance.peek(url)?.http?.staleAt).toBe(clock.t + 50_000)
  })

  test.each([
    ['IMF-fixdate', 'Tue, 01 Jul 2025 12:01:00 GMT'],
    ['RFC 850', 'Tuesday, 01-Jul-25 12:01:00 GMT'],
    ['asctime', 'Tue Jul  1 12:01:00 2025'],
  ])('Expires in the %s format sets the freshness against Date', async (_format, expires) => {
    const { api, clock } = dated({ date: 'Tue, 01 Jul 2025 12:00:10 GMT', expires })
    await api(url)
    expect(api.cacheInstance.peek(url)?.http?.staleAt).toBe(clock.t + 50_000)
  })

  test.each(['3000', '0', '2025-07-01T12:01:00Z', 'Tue, 31 Feb 2025 12:01:00 GMT', 'soon'])(
    'Expires: %s is not an HTTP-date: already expired, so not stored',
    async (expires) => {
      const { api } = dated({ expires })
      await api(url)
      expect(api.cacheInstance.size).toBe(0)
    },
  )
})
