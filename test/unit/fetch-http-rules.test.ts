// @vitest-environment node
// Node's Response follows the Fetch standard (happy-dom's accepts status 0 and does not copy bodies).
import { type CachedFetch, cachedFetch } from 'asynccache/fetch'
import { describe, expect, test } from 'vitest'
import { record } from '../support/cache-events.js'
import { fetchDouble, networkResponse, numbered } from '../support/fetch-double.js'

const url = 'https://api.test/users/42'

/** A cachedFetch over a counting double on a clock the test moves (ms). */
function setup(
  headers: Record<string, string>,
  options: { ttl?: number; respectCacheControl?: boolean } = {},
) {
  const clock = { t: 0 }
  const net = fetchDouble(numbered({ headers }))
  const api = cachedFetch({ fetch: net.fetch, now: () => clock.t, ...options })
  return { api, net, clock }
}

describe('only GET and HEAD are cached', () => {
  test.each(['POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'])(
    '%s passes straight through, counted neither as a hit nor a miss',
    async (method) => {
      const net = fetchDouble(numbered())
      const api = cachedFetch({ fetch: net.fetch })

      const first = await api(url, { method, body: method === 'OPTIONS' ? null : 'x' })
      const second = await api(url, { method })

      expect(await first.json()).toEqual({ n: 1 })
      expect(await second.json()).toEqual({ n: 2 })
      expect(net.calls.map((call) => call.init?.method)).toEqual([method, method])
      expect(api.cacheInstance.getStats()).toMatchObject({ hits: 0, misses: 0, size: 0 })
    },
  )

  test.each(['POST', 'PUT', 'PATCH', 'DELETE'])(
    'a successful %s invalidates the GET and HEAD entries of its URL, and only those',
    async (method) => {
      const net = fetchDouble(numbered())
      const api = cachedFetch({ fetch: net.fetch })
      const other = 'https://api.test/users/7'
      await api(url)
      await api(url, { method: 'HEAD' })
      await api(other)

      await api(url, { method })

      expect(api.cacheInstance.has(url)).toBe(false)
      expect(api.cacheInstance.has(`HEAD ${url}`)).toBe(false)
      expect(api.cacheInstance.has(other)).toBe(true)
      expect(await (await api(url)).json()).toEqual({ n: 5 })
    },
  )

  test('an unsafe method answered with an error status invalidates nothing', async () => {
    const net = fetchDouble((call, n) =>
      networkResponse(call.url, `${n}`, { status: n === 1 ? 200 : 409 }),
    )
    const api = cachedFetch({ fetch: net.fetch })
    await api(url)

    expect((await api(url, { method: 'PUT', body: 'x' })).status).toBe(409)
    expect(api.cacheInstance.has(url)).toBe(true)
  })

  test('OPTIONS is safe: it invalidates nothing', async () => {
    const net = fetchDouble(numbered())
    const api = cachedFetch({ fetch: net.fetch })
    await api(url)
    await api(url, { method: 'OPTIONS' })
    expect(api.cacheInstance.has(url)).toBe(true)
  })

  test('an invalidation while a GET is in flight keeps that response from being stored', async () => {
    const net = fetchDouble((call) =>
      call.method === 'POST' ? networkResponse(url, 'ok') : undefined,
    )
    const api = cachedFetch({ fetch: net.fetch })

    const get = api(url)
    await api(url, { method: 'POST', body: 'change' })
    net.calls[0]?.respond(networkResponse(url, 'from before the POST'))

    expect(await (await get).text()).toBe('from before the POST')
    expect(api.cacheInstance.has(url)).toBe(false)
  })

  test('a Request input brings its method, headers and signal', async () => {
    const net = fetchDouble(numbered())
    const api = cachedFetch({ fetch: net.fetch, vary: ['Accept'] })

    await api(new Request(url, { headers: { accept: 'text/csv' } }))
    expect(api.cacheInstance.has(`${url} {"accept":"text/csv"}`)).toBe(true)
    await api(new Request(url, { method: 'POST', body: 'x' }))
    // The POST succeeded, so it invalidated the URL's GET entries.
    expect(api.cacheInstance.size).toBe(0)
    const controller = new AbortController()
    const aborted = api(new Request(url, { signal: controller.signal, headers: { accept: 'a/b' } }))
    controller.abort(new Error('left'))

    await expect(aborted).rejects.toThrow('left')
    expect(net.calls.map((call) => call.method)).toEqual(['GET', 'POST', 'GET'])
  })
})

describe('vary', () => {
  test('requests differing in a vary header get their own entries; equal ones share', async () => {
    const net = fetchDouble(numbered())
    const api = cachedFetch({ fetch: net.fetch, vary: ['Accept-Language'] })
    const de = { headers: { 'accept-language': 'de' } }
    const fr = { headers: { 'Accept-Language': 'fr' } }

    expect(await (await api(url, de)).json()).toEqual({ n: 1 })
    expect(await (await api(url, fr)).json()).toEqual({ n: 2 })
    expect(await (await api(url)).json()).toEqual({ n: 3 })
    expect(await (await api(url, { headers: [['ACCEPT-LANGUAGE', 'de']] })).json()).toEqual({
      n: 1,
    })
    expect(net.calls).toHaveLength(3)
    expect([...api.cacheInstance.keys()].sort()).toEqual([
      `${url} {"accept-language":"de"}`,
      `${url} {"accept-language":"fr"}`,
      `${url} {"accept-language":null}`,
    ])
  })

  test('invalidate drops every variant of the URL, stored or in flight, and no other URL', async () => {
    const net = fetchDouble((call) =>
      call.url.endsWith('/slow') ? undefined : networkResponse(call.url, 'x'),
    )
    const api = cachedFetch({ fetch: net.fetch, vary: ['accept'] })
    const longer = `${url}0`
    await api(url, { headers: { accept: 'a/a' } })
    await api(url, { method: 'HEAD', headers: { accept: 'a/b' } })
    await api(longer)
    const slow = `${url}/slow`
    const inFlight = api(slow, { headers: { accept: 'a/c' } })

    expect(api.invalidate(url)).toBe(true)
    expect(api.invalidate(slow)).toBe(false)
    net.calls[3]?.respond(networkResponse(slow, 'late'))
    await inFlight

    expect([...api.cacheInstance.keys()]).toEqual([`${longer} {"accept":null}`])
  })

  test.each([
    ['Authorization', []],
    ['Accept-Language', ['accept']],
    ['accept, X-Tenant', ['accept']],
  ])(
    'a response with Vary: %s naming a header outside vary %o is never stored, yet reaches every waiter',
    async (varyHeader, vary) => {
      const net = fetchDouble()
      for (const respectCacheControl of [true, false]) {
        const api = cachedFetch({ fetch: net.fetch, vary, respectCacheControl })
        const alice = { headers: { authorization: 'Bearer alice' } }
        const waiting = [api(url, alice), api(url, alice)]
        net.calls.at(-1)?.respond(networkResponse(url, 'alice', { headers: { vary: varyHeader } }))

        for (const response of await Promise.all(waiting))
          expect(await response.text()).toBe('alice')
        expect(api.cacheInstance.size).toBe(0)
      }
      expect(net.calls).toHaveLength(2)
    },
  )

  test.each(['*', 'Cookie', 'cookie, accept'])(
    'a response with Vary: %s is never stored, even when vary names every header',
    async (varyHeader) => {
      const net = fetchDouble((call) =>
        networkResponse(call.url, 'x', { headers: { vary: varyHeader } }),
      )
      const vary = ['cookie', 'accept']
      for (const respectCacheControl of [true, false]) {
        const api = cachedFetch({ fetch: net.fetch, vary, respectCacheControl })
        await api(url)
        await api(url)
      }
      expect(net.calls).toHaveLength(4)
    },
  )

  test.each([
    ['Accept-Encoding, Origin', []],
    ['AUTHORIZATION,accept-encoding', ['Authorization']],
    ['Accept, Accept-Language', ['accept-language', 'accept']],
    ['', []],
  ])('a response with Vary: %s and vary %o is stored', async (varyHeader, vary) => {
    const net = fetchDouble((call) =>
      networkResponse(call.url, 'x', { headers: { vary: varyHeader } }),
    )
    const api = cachedFetch({ fetch: net.fetch, vary })
    await api(url)
    await api(url)
    expect(net.calls).toHaveLength(1)
  })
})

describe('which responses are stored', () => {
  test('a non-2xx response is not stored by default', async () => {
    const net = fetchDouble((call) => networkResponse(call.url, 'missing', { status: 404 }))
    const api = cachedFetch({ fetch: net.fetch })

    expect((await api(url)).status).toBe(404)
    expect(await (await api(url)).text()).toBe('missing')
    expect(net.calls).toHaveLength(2)
  })

  test('cacheable() can widen what is stored', async () => {
    const net = fetchDouble((call) => networkResponse(call.url, 'missing', { status: 404 }))
    const api = cachedFetch({ fetch: net.fetch, cacheable: (r) => r.status < 500 })

    await api(url)
    const hit = await api(url)
    expect(net.calls).toHaveLength(1)
    expect([hit.status, await hit.text()]).toEqual([404, 'missing'])
  })

  test.each([
    'no-store',
    'No-Store',
    'max-age=60, no-store',
    'private, no-store="ignored, still no-store"',
  ])('Cache-Control: %s is never stored, whatever the other options say', async (value) => {
    const { api, net } = setup({ 'cache-control': value }, { respectCacheControl: false })
    const permissive = cachedFetch({ fetch: net.fetch, cacheable: () => true })

    await api(url)
    await api(url)
    await permissive(url)
    await permissive(url)
    expect(net.calls).toHaveLength(4)
  })

  test('a 206 partial response is never stored, whatever cacheable() says', async () => {
    const net = fetchDouble((call) =>
      networkResponse(call.url, 'part', {
        status: 206,
        headers: { 'content-range': 'bytes 0-3/9' },
      }),
    )
    const api = cachedFetch({ fetch: net.fetch, cacheable: () => true })

    await api(url, { headers: { range: 'bytes=0-3' } })
    expect((await api(url)).status).toBe(206)
    expect(net.calls).toHaveLength(2)
  })

  test('max-age minus Age sets the entry TTL, over the cache ttl', async () => {
    const { api, net, clock } = setup(
      { 'cache-control': 'public, max-age=60', age: '20' },
      { ttl: 5 },
    )
    await api(url)

    expect(api.cacheInstance.inspect()[0]?.ttlRemainingMs).toBe(40_000)
    clock.t = 39_999
    expect(await (await api(url)).json()).toEqual({ n: 1 })
    clock.t = 40_000
    expect(await (await api(url)).json()).toEqual({ n: 2 })
    expect(net.calls).toHaveLength(2)
  })

  test('max-age shorter than the cache ttl shortens the entry', async () => {
    const { api, net, clock } = setup({ 'cache-control': 'max-age=2' }, { ttl: 300 })
    await api(url)
    clock.t = 2_000
    await api(url)
    expect(net.calls).toHaveLength(2)
  })

  test('s-maxage is for shared caches: ignored', async () => {
    const { api } = setup({ 'cache-control': 's-maxage=600, max-age=10' })
    await api(url)
    expect(api.cacheInstance.inspect()[0]?.ttlRemainingMs).toBe(10_000)
  })

  test('Expires minus Date minus Age sets the TTL when there is no max-age', async () => {
    const { api } = setup({
      date: 'Tue, 01 Jul 2025 12:00:00 GMT',
      expires: 'Tue, 01 Jul 2025 12:01:40 GMT',
      age: '30',
    })
    await api(url)
    expect(api.cacheInstance.inspect()[0]?.ttlRemainingMs).toBe(70_000)
  })

  test.each([
    ['max-age=0', {}],
    ['max-age=30', { age: '30' }],
    ['max-age=soon', {}],
    ['no-cache', {}],
    ['max-age=60', { vary: '*' }],
    ['', { expires: '0' }],
  ])('Cache-Control: %s with %o is not stored', async (cacheControl, extra) => {
    const { api, net } = setup({ 'cache-control': cacheControl, ...extra })
    await api(url)
    await api(url)
    expect(net.calls).toHaveLength(2)
  })

  test('a response stating no lifetime lives for the cache ttl', async () => {
    const { api, clock, net } = setup({ 'cache-control': 'private' }, { ttl: 30 })
    await api(url)
    expect(api.cacheInstance.inspect()[0]?.ttlRemainingMs).toBe(30_000)
    clock.t = 29_999
    await api(url)
    expect(net.calls).toHaveLength(1)
  })

  test('respectCacheControl: false gives every stored response the cache ttl', async () => {
    const { api, net } = setup(
      { 'cache-control': 'max-age=600, no-cache', age: '10' },
      { ttl: 30, respectCacheControl: false },
    )
    await api(url)
    await api(url)
    expect(net.calls).toHaveLength(1)
    expect(api.cacheInstance.inspect()[0]?.ttlRemainingMs).toBe(30_000)
  })

  test('a delete while a max-age response loads wins: it is not stored', async () => {
    const net = fetchDouble()
    const api = cachedFetch({ fetch: net.fetch })
    const loading = api(url)
    api.cacheInstance.delete(url)
    net.calls[0]?.respond(networkResponse(url, 'x', { headers: { 'cache-control': 'max-age=60' } }))
    await loading
    expect(api.cacheInstance.size).toBe(0)
  })

  test('a max-age response is stored once: one set event, and under LFU one use', async () => {
    const { api } = setup({ 'cache-control': 'max-age=60' }, { ttl: 5 })
    const events = record(api.cacheInstance)

    await api(url)

    expect(api.cacheInstance.policy).toBe('LFU')
    expect(events).toEqual([
      `miss ${url}`,
      `load-start ${url}`,
      `fetch-response ${url}`,
      `set ${url}`,
      `load-success ${url}`,
    ])
    expect(api.cacheInstance.inspect()[0]).toMatchObject({ frequency: 1, ttlRemainingMs: 60_000 })
  })

  test.each([
    ['a 404', { status: 404 }, {}],
    ['Cache-Control: no-store', { headers: { 'cache-control': 'no-store' } }, {}],
    ['Cache-Control: no-cache', { headers: { 'cache-control': 'no-cache' } }, {}],
    ['Vary: *', { headers: { vary: '*' } }, {}],
    ['an already stale response', { headers: { 'cache-control': 'max-age=0' } }, {}],
    ['a 206', { status: 206, headers: { 'content-range': 'bytes 0-0/9' } }, {}],
    ['a 200 cacheable() refuses', {}, { cacheable: () => false }],
  ])(
    '%s ends its load with load-success and no set, and is read by its caller',
    async (_name, init, options) => {
      const net = fetchDouble((call) => networkResponse(call.url, 'body', init))
      const api = cachedFetch({ fetch: net.fetch, ...options })
      const events = record(api.cacheInstance)

      expect(await (await api(url)).text()).toBe('body')

      expect(events).toEqual([
        `miss ${url}`,
        `load-start ${url}`,
        `fetch-response ${url}`,
        `load-success ${url}`,
      ])
      expect(api.cacheInstance.size).toBe(0)
    },
  )
})

describe('the request cache mode', () => {
  test("'no-store' bypasses the cache: no lookup, nothing stored, no stats", async () => {
    const net = fetchDouble(numbered())
    const api = cachedFetch({ fetch: net.fetch })
    await api(url)

    const bypass = await api(url, { cache: 'no-store' })

    expect(await bypass.json()).toEqual({ n: 2 })
    expect(net.calls[1]?.init?.cache).toBe('no-store')
    expect(await (await api(url)).json()).toEqual({ n: 1 })
    expect(api.cacheInstance.getStats()).toMatchObject({ hits: 1, misses: 1 })
  })

  test.each(['reload', 'no-cache'] as const)(
    "'%s' skips the lookup and refreshes the entry, reporting its load",
    async (mode) => {
      const net = fetchDouble(numbered())
      const api = cachedFetch({ fetch: net.fetch })
      await api(url)
      const events: string[] = []
      api.cacheInstance.subscribe((e) => events.push(`${e.type} ${'key' in e ? e.key : ''}`))

      const fresh = await api(url, { cache: mode })

      expect(await fresh.json()).toEqual({ n: 2 })
      expect(fresh.url).toBe(url)
      expect(await (await api(url)).json()).toEqual({ n: 2 })
      expect(net.calls).toHaveLength(2)
      expect(events).toEqual([
        `miss ${url}`,
        `load-start ${url}`,
        `fetch-response ${url}`,
        `set ${url}`,
        `load-success ${url}`,
        `hit ${url}`,
      ])
    },
  )

  test.each([
    ['an invalidate', (api: CachedFetch) => api.invalidate(url)],
    ['a delete', (api: CachedFetch) => api.cacheInstance.delete(url)],
    ['a clear', (api: CachedFetch) => api.cacheInstance.clear()],
  ])("%s while a 'reload' is in flight wins: its response is not stored", async (_name, drop) => {
    const net = fetchDouble((call, n) => (n === 1 ? networkResponse(call.url, 'old') : undefined))
    const api = cachedFetch({ fetch: net.fetch })
    await api(url)

    const reloading = api(url, { cache: 'reload' })
    drop(api)
    net.calls[1]?.respond(networkResponse(url, 'from before the change'))

    expect(await (await reloading).text()).toBe('from before the change')
    expect(api.cacheInstance.size).toBe(0)
  })

  test("concurrent 'reload' calls share one request, and plain calls meanwhile join it", async () => {
    const net = fetchDouble((call, n) => (n === 1 ? networkResponse(call.url, 'old') : undefined))
    const api = cachedFetch({ fetch: net.fetch })
    await api(url)

    const waiting = [api(url, { cache: 'reload' }), api(url, { cache: 'no-cache' }), api(url)]
    net.calls[1]?.respond(networkResponse(url, 'new'))

    const bodies = await Promise.all(waiting.map(async (call) => (await call).text()))
    expect(bodies).toEqual(['new', 'new', 'old'])
    expect(net.calls).toHaveLength(2)
    expect(await (await api(url)).text()).toBe('new')
  })

  test.each([
    ['Cache-Control: no-store', { 'cache-control': 'no-store' }],
    ['Cache-Control: max-age=60, No-Store', { 'Cache-Control': 'max-age=60, No-Store' }],
  ])('a request header %s bypasses the cache as cache: no-store does', async (_name, headers) => {
    const net = fetchDouble(numbered())
    const api = cachedFetch({ fetch: net.fetch })
    await api(url)

    const bypass = await api(url, { headers })
    const asRequest = await api(new Request(url, { headers }))

    expect(await bypass.json()).toEqual({ n: 2 })
    expect(await asRequest.json()).toEqual({ n: 3 })
    expect(net.calls[1]?.init?.headers).toEqual(headers)
    expect(await (await api(url)).json()).toEqual({ n: 1 })
    expect(api.cacheInstance.getStats()).toMatchObject({ hits: 1, misses: 1 })
  })

  test.each([
    ['Cache-Control: no-cache', { 'cache-control': 'no-cache' }],
    ['Cache-Control: private, NO-CACHE', { 'cache-control': 'private, NO-CACHE' }],
    ['Pragma: no-cache', { pragma: 'no-cache' }],
  ])('a request header %s reloads as cache: no-cache does', async (_name, headers) => {
    const net = fetchDouble(numbered())
    const api = cachedFetch({ fetch: net.fetch })
    await api(url)

    expect(await (await api(url, { headers })).json()).toEqual({ n: 2 })
    expect(await (await api(new Request(url, { headers }))).json()).toEqual({ n: 3 })
    expect(await (await api(url)).json()).toEqual({ n: 3 })
    expect(net.calls).toHaveLength(3)
  })

  test('an explicit cache mode wins over the request headers', async () => {
    const net = fetchDouble(numbered())
    const api = cachedFetch({ fetch: net.fetch })
    await api(url)

    const cached = await api(url, { cache: 'force-cache', headers: { pragma: 'no-cache' } })

    expect(await cached.json()).toEqual({ n: 1 })
    expect(net.calls).toHaveLength(1)
  })

  test("a failed 'reload' keeps the entry it meant to refresh", async () => {
    const net = fetchDouble((call, n) => {
      if (n === 1) return networkResponse(call.url, 'old')
      if (n === 2) return networkResponse(call.url, 'oops', { status: 503 })
      call.fail(new TypeError('network down'))
      return undefined
    })
    const api = cachedFetch({ fetch: net.fetch })
    await api(url)
    const events = record(api.cacheInstance)

    const unavailable = await api(url, { cache: 'reload' })
    expect([unavailable.status, await unavailable.text()]).toEqual([503, 'oops'])
    await expect(api(url, { cache: 'reload' })).rejects.toThrow('network down')
    expect(await (await api(url)).text()).toBe('old')
    // The 503 is a response like any other, delivered and not stored; the network error is a failure.
    expect(events).toEqual([
      `miss ${url}`,
      `load-start ${url}`,
      `fetch-response ${url}`,
      `load-success ${url}`,
      `miss ${url}`,
      `load-start ${url}`,
      `load-error ${url}`,
      `hit ${url}`,
    ])
  })
})
