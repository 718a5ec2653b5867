// @vitest-environment node
// Node's Response follows the Fetch standard (happy-dom's accepts status 0 and does not copy bodies).
import { cachedFetch } from 'asynccache/fetch'
import { describe, expect, test } from 'vitest'
import { nextEvent, record } from '../support/cache-events.js'
import { fetchDouble, networkResponse, numbered } from '../support/fetch-double.js'

const url = 'https://api.test/users/42'

/** A cachedFetch with a 10 s TTL and a 60 s stale-while-revalidate window, on a clock the test moves. */
function staleApi(respond?: Parameters<typeof fetchDouble>[0]) {
  const clock = { t: 0 }
  const net = fetchDouble(respond)
  const api = cachedFetch({
    fetch: net.fetch,
    ttl: 10,
    staleWhileRevalidate: 60,
    now: () => clock.t,
  })
  return { clock, net, api }
}

describe('stale-while-revalidate', () => {
  test('an entry past its TTL is served at once and refreshed in the background, once', async () => {
    const { clock, net, api } = staleApi()
    const first = api(url)
    net.calls[0]?.respond(networkResponse(url, 'v1'))
    await first

    clock.t = 15_000
    expect(await (await api(url)).text()).toBe('v1')
    expect(await (await api(url)).text()).toBe('v1')
    expect(net.calls).toHaveLength(2)
    const refreshed = nextEvent(api.cacheInstance, 'load-success')
    net.calls[1]?.respond(networkResponse(url, 'v2'))
    await refreshed

    expect(await (await api(url)).text()).toBe('v2')
    expect(net.calls).toHaveLength(2)
  })

  test('a failed refresh keeps the stale entry and emits load-error', async () => {
    const { clock, api } = staleApi((call, n) => {
      if (n === 1) return networkResponse(url, 'v1')
      call.fail(new TypeError('network down'))
      return undefined
    })
    await api(url)
    const events = record(api.cacheInstance)
    const failed = nextEvent(api.cacheInstance, 'load-error')

    clock.t = 15_000
    expect(await (await api(url)).text()).toBe('v1')
    expect((await failed).error).toMatchObject({ message: 'network down' })
    // The stale answer is a hit; its revalidation, a load, is a miss.
    expect(events).toEqual([
      `hit ${url}`,
      `miss ${url}`,
      `load-start ${url}`,
      `stale ${url}`,
      `load-error ${url}`,
    ])
    expect(await (await api(url)).text()).toBe('v1')
  })

  test.each([404, 410])(
    'a refresh answered %i drops the stale entry: the resource is gone',
    async (status) => {
      const { clock, net, api } = staleApi((call, n) =>
        networkResponse(call.url, `v${n}`, { status: n === 1 ? 200 : status }),
      )
      await api(url)
      const refreshed = nextEvent(api.cacheInstance, 'load-success')

      clock.t = 15_000
      expect(await (await api(url)).text()).toBe('v1')
      await refreshed

      expect(api.cacheInstance.size).toBe(0)
      const next = await api(url)
      expect([next.status, await next.text()]).toEqual([status, 'v3'])
      expect(net.calls).toHaveLength(3)
    },
  )

  test('a refresh answered with another error status keeps serving the stale entry', async () => {
    const { clock, api } = staleApi((call, n) =>
      networkResponse(call.url, `v${n}`, { status: n === 1 ? 200 : 503 }),
    )
    await api(url)
    const refreshed = nextEvent(api.cacheInstance, 'load-success')

    clock.t = 15_000
    await api(url)
    await refreshed

    expect(await (await api(url)).text()).toBe('v1')
    expect(api.cacheInstance.size).toBe(1)
  })

  test("a 'reload' answered 410 drops the entry, and reaches its caller", async () => {
    const net = fetchDouble((call, n) =>
      networkResponse(call.url, `v${n}`, { status: n === 1 ? 200 : 410 }),
    )
    const api = cachedFetch({ fetch: net.fetch })
    await api(url)

    const gone = await api(url, { cache: 'reload' })

    expect([gone.status, await gone.text()]).toEqual([410, 'v2'])
    expect(api.cacheInstance.size).toBe(0)
  })

  test('a refresh answered with max-age gets that freshness, kept for its stale window too', async () => {
    const { clock, api } = staleApi((_call, n) =>
      networkResponse(url, `v${n}`, { headers: { 'cache-control': `max-age=${n * 100}` } }),
    )
    await api(url)

    const refreshed = nextEvent(api.cacheInstance, 'load-success')

    clock.t = 100_000 // v1's max-age=100 just ran out: stale, within the window
    expect(await (await api(url)).text()).toBe('v1')
    await refreshed
    expect(api.cacheInstance.peek(url)?.http?.staleAt).toBe(300_000)
    // Kept 200 s fresh plus the cache's 60 s stale-while-revalidate window.
    expect(api.cacheInstance.inspect()[0]).toMatchObject({ ttlRemainingMs: 260_000, stale: false })
    expect(await (await api(url)).text()).toBe('v2')
  })
})

describe('abort', () => {
  test('one caller aborting rejects it with the reason and aborts the request', async () => {
    const net = fetchDouble()
    const api = cachedFetch({ fetch: net.fetch })
    const controller = new AbortController()
    const reason = new Error('user left')

    const call = api(url, { signal: controller.signal })
    controller.abort(reason)

    await expect(call).rejects.toBe(reason)
    expect(net.calls[0]?.signal?.aborted).toBe(true)
    expect(api.cacheInstance.size).toBe(0)
    void api(url)
    expect(net.calls).toHaveLength(2)
  })

  test('an already aborted signal rejects without a request', async () => {
    const net = fetchDouble()
    const api = cachedFetch({ fetch: net.fetch })
    await expect(api(url, { signal: AbortSignal.abort('gone') })).rejects.toBe('gone')
    expect(net.calls).toHaveLength(0)
  })

  test('with N callers the request is aborted only when every one of them has left', async () => {
    const net = fetchDouble()
    const api = cachedFetch({ fetch: net.fetch })
    const controllers = Array.from({ length: 4 }, () => new AbortController())
    const calls = controllers.map((c) => api(url, { signal: c.signal }))
    const network = net.calls[0]?.signal

    for (const [i, controller] of controllers.entries()) {
      controller.abort(`caller ${i}`)
      await expect(calls[i]).rejects.toBe(`caller ${i}`)
      expect(network?.aborted).toBe(i === controllers.length - 1)
    }
    expect(net.calls).toHaveLength(1)
  })

  test('callers who stay get the response, and it is stored', async () => {
    const net = fetchDouble()
    const api = cachedFetch({ fetch: net.fetch })
    const leaving = new AbortController()
    const left = api(url, { signal: leaving.signal })
    const staying = api(url, { signal: new AbortController().signal })
    const plain = api(url)

    leaving.abort('bye')
    await expect(left).rejects.toBe('bye')
    expect(net.calls[0]?.signal?.aborted).toBe(false)
    net.calls[0]?.respond(networkResponse(url, 'kept'))

    expect(await (await staying).text()).toBe('kept')
    expect(await (await plain).text()).toBe('kept')
    expect(api.cacheInstance.has(url)).toBe(true)
  })
})

describe('events and failures', () => {
  test('a load is reported with the URL as key: load-start, set, load-success', async () => {
    const net = fetchDouble(numbered())
    const api = cachedFetch({ fetch: net.fetch })
    const events = record(api.cacheInstance)

    await api(url)
    await api(url)

    expect(events).toEqual([
      `miss ${url}`,
      `load-start ${url}`,
      `fetch-response ${url}`,
      `set ${url}`,
      `load-success ${url}`,
      `hit ${url}`,
    ])
  })

  test('a non-OK response reaches 3 concurrent callers from one request, is not stored, and loads successfully', async () => {
    const net = fetchDouble()
    const api = cachedFetch({ fetch: net.fetch })
    const events = record(api.cacheInstance)

    const waiting = [api(url), api(url), api(url)]
    net.calls[0]?.respond(networkResponse(url, '{"error":"busy"}', { status: 503 }))
    const responses = await Promise.all(waiting)

    expect(net.calls).toHaveLength(1)
    expect(new Set(responses).size).toBe(3)
    for (const response of responses) {
      expect(response.status).toBe(503)
      expect(await response.json()).toEqual({ error: 'busy' })
    }
    expect(events).toEqual([
      `miss ${url}`,
      `load-start ${url}`,
      `hit ${url}`,
      `hit ${url}`,
      `fetch-response ${url}`,
      `load-success ${url}`,
    ])
    expect(api.cacheInstance.getStats()).toMatchObject({ misses: 1, hits: 2, size: 0 })
  })

  test('a network error reaches every waiting caller, is reported, and is not stored', async () => {
    const net = fetchDouble()
    const api = cachedFetch({ fetch: net.fetch })
    const events = record(api.cacheInstance)
    const failure = new TypeError('Failed to fetch')

    const waiting = [api(url), api(url)]
    net.calls[0]?.fail(failure)

    for (const call of waiting) await expect(call).rejects.toBe(failure)
    expect(events).toContain(`load-error ${url}`)
    expect(api.cacheInstance.size).toBe(0)
  })

  test('a fetch that throws synchronously still rejects the returned promise', async () => {
    const api = cachedFetch({
      fetch: () => {
        throw new TypeError('bad fetch')
      },
    })
    await expect(api(url)).rejects.toThrow('bad fetch')
    await expect(api(url, { method: 'POST' })).rejects.toThrow('bad fetch')
  })

  test('invalid request headers reject like fetch, without a request', async () => {
    const net = fetchDouble(numbered())
    const api = cachedFetch({ fetch: net.fetch, vary: ['accept'] })
    await expect(api(url, { headers: [['bad header', 'x']] })).rejects.toThrow(TypeError)
    expect(net.calls).toHaveLength(0)
  })
})
