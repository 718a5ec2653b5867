// @vitest-environment node
// Node's Response follows the Fetch standard (happy-dom's accepts status 0 and does not copy bodies).
import { AsyncCache } from 'asynccache'
import { cachedFetch, HttpError, type ResponseSnapshot, replay } from 'asynccache/fetch'
import { afterEach, describe, expect, test, vi } from 'vitest'
import { fetchDouble, networkResponse, numbered } from '../support/fetch-double.js'

const url = 'https://api.test/users/42'

afterEach(() => {
  vi.unstubAllGlobals()
})

describe('the asynccache/fetch entry', () => {
  test('importing it, and building a cachedFetch, touch no browser global', async () => {
    const names = ['Response', 'Request', 'Headers', 'fetch', 'location', 'document']
    const saved = names.map(
      (name) => [name, Object.getOwnPropertyDescriptor(globalThis, name)] as const,
    )
    const touched: string[] = []
    for (const name of names) {
      Object.defineProperty(globalThis, name, {
        configurable: true,
        get: () => touched.push(name),
      })
    }
    try {
      vi.resetModules()
      const fresh = await import('asynccache/fetch')
      fresh.cachedFetch({ name: 'import-check', vary: ['accept'], fetch: fetchDouble().fetch })
    } finally {
      for (const [name, descriptor] of saved) {
        if (descriptor === undefined) delete (globalThis as Record<string, unknown>)[name]
        else Object.defineProperty(globalThis, name, descriptor)
      }
    }
    expect(touched).toEqual([])
  })
})

describe('api.json', () => {
  test('parses the body, from the network and from the cache alike', async () => {
    const net = fetchDouble(numbered())
    const api = cachedFetch({ fetch: net.fetch })

    expect(await api.json<{ n: number }>(url)).toEqual({ n: 1 })
    expect(await api.json<{ n: number }>(url)).toEqual({ n: 1 })
    expect(net.calls).toHaveLength(1)
  })

  test('rejects a non-2xx status with an HttpError whose response is still readable', async () => {
    const net = fetchDouble((call) =>
      networkResponse(call.url, '{"error":"no such user"}', {
        status: 404,
        statusText: 'Not Found',
      }),
    )
    const api = cachedFetch({ fetch: net.fetch })

    const error = await api.json(url).catch((e: unknown) => e)

    expect(error).toBeInstanceOf(HttpError)
    expect((error as HttpError).status).toBe(404)
    expect((error as HttpError).message).toBe(
      `${url} answered 404 Not Found; json() parses only 2xx responses`,
    )
    expect(await (error as HttpError).response.json()).toEqual({ error: 'no such user' })
  })
})

describe('api.invalidate', () => {
  test('drops the GET and HEAD entries of a URL given as a string or a URL', async () => {
    const net = fetchDouble(numbered())
    const api = cachedFetch({ fetch: net.fetch })
    await api(url)
    await api(url, { method: 'HEAD' })

    expect(api.invalidate(new URL(`${url}#section`))).toBe(true)
    expect(api.cacheInstance.size).toBe(0)
    expect(api.invalidate(url)).toBe(false)
    expect(await api.json(url)).toEqual({ n: 3 })
  })

  test('rejects what is not a URL', () => {
    const api = cachedFetch({ fetch: fetchDouble().fetch })
    expect(() => api.invalidate(42 as unknown as string)).toThrow(
      'invalidate: url must be a string or a URL, got 42',
    )
  })
})

describe('options', () => {
  test('fetch defaults to globalThis.fetch, looked up at each call', async () => {
    const api = cachedFetch()
    const net = fetchDouble(numbered())
    vi.stubGlobal('fetch', net.fetch)

    expect(await api.json(url)).toEqual({ n: 1 })
    expect(net.calls).toHaveLength(1)
  })

  test('cache options build the cache; maxsize defaults to 128', () => {
    const api = cachedFetch({ policy: 'LRU', ttl: 30, staleWhileRevalidate: 5 })
    expect(api.cacheInstance).toBeInstanceOf(AsyncCache)
    expect(api.cacheInstance).toMatchObject({
      maxsize: 128,
      policy: 'LRU',
      ttl: 30,
      staleWhileRevalidate: 5,
    })
    expect(cachedFetch({ maxsize: 3 }).cacheInstance.maxsize).toBe(3)
  })

  test('an existing cache is used as is, and can be shared', async () => {
    const cache = new AsyncCache<string, ResponseSnapshot>({ maxsize: 10, name: 'shared-api' })
    const net = fetchDouble(numbered())
    const one = cachedFetch({ cache, fetch: net.fetch })
    const two = cachedFetch({ cache, fetch: net.fetch })

    await one(url)
    const hit = await two(url)

    expect(two.cacheInstance).toBe(cache)
    expect(net.calls).toHaveLength(1)
    expect(await hit.json()).toEqual({ n: 1 })
    expect(await replay(cache.peek(url) as ResponseSnapshot).json()).toEqual({ n: 1 })
  })

  test.each([
    [{ cache: new AsyncCache({ maxsize: 1 }), ttl: 3 }, 'got cache and ttl'],
    [{ cache: {} }, 'cache must be an AsyncCache'],
    [{ fetch: 'fetch' }, 'fetch must be a function, got "fetch"'],
    [{ cacheable: true }, 'cacheable must be a function, got true'],
    [{ respectCacheControl: 'yes' }, 'respectCacheControl must be a boolean, got string'],
    [{ vary: 'accept' }, 'vary must be an array of header names, got accept'],
    [{ vary: ['accept language'] }, 'vary must hold HTTP header names, got "accept language"'],
    [{ maxsize: 0 }, 'maxsize must be a positive integer'],
    [{ policy: 'FIFO' }, "policy must be 'LRU', 'LFU' or 'ADAPTIVE'"],
  ])('rejects %o', (options, message) => {
    expect(() => cachedFetch(options as never)).toThrow(message)
  })
})

describe('only-if-cached while persistence restores', () => {
  test('waits for the restore (the hold on misses), then answers from memory without the network', async () => {
    const network = fetchDouble(
      () => new Response('stored', { headers: { 'cache-control': 'max-age=600' } }),
    )
    const before = cachedFetch({ fetch: network.fetch })
    expect(await (await before(url)).text()).toBe('stored')
    const records = before.cacheInstance.dump()

    // A reload: a new cache whose misses wait while the entries come back from disk, as
    // persist's hydration makes them wait.
    const cache = new AsyncCache<string, ResponseSnapshot>({ maxsize: 10 })
    let restored = () => {}
    cache.holdLoads(new Promise<void>((resolve) => (restored = resolve)), 60_000)
    const api = cachedFetch({ cache, fetch: network.fetch })
    const byMode = api(url, { cache: 'only-if-cached' })
    const byHeader = api(url, { headers: { 'cache-control': 'only-if-cached' } })
    for (const r of records) cache.restore(r.key, r.value, r.expiresAt, r.frequency)
    restored()

    for (const answer of [await byMode, await byHeader]) {
      expect(answer.status).toBe(200)
      expect(await answer.text()).toBe('stored')
    }
    expect(network.calls).toHaveLength(1)
  })

  test('a caller that aborts while it waits for the restore is rejected at once, with its reason', async () => {
    const network = fetchDouble(() => new Response('from the network'))
    const cache = new AsyncCache<string, ResponseSnapshot>({ maxsize: 10 })
    cache.holdLoads(new Promise<void>(() => {}), 60_000)
    const leaving = new AbortController()
    const api = cachedFetch({ cache, fetch: network.fetch })
    const answer = api(url, { cache: 'only-if-cached', signal: leaving.signal })
    leaving.abort(new Error('left'))
    await expect(answer).rejects.toThrow('left')
    expect(cache.holding).toBe(true)
    expect(network.calls).toHaveLength(0)
  })

  test('with nothing restored it is still a 504, once the restore is over', async () => {
    const network = fetchDouble(() => new Response('from the network'))
    const cache = new AsyncCache<string, ResponseSnapshot>({ maxsize: 10 })
    let restored = () => {}
    cache.holdLoads(new Promise<void>((resolve) => (restored = resolve)), 60_000)
    let settled = false
    const answer = cachedFetch({ cache, fetch: network.fetch })(url, { cache: 'only-if-cached' })
    void answer.then(() => (settled = true))
    await Promise.resolve()
    expect(settled).toBe(false)
    restored()
    expect((await answer).status).toBe(504)
    expect(network.calls).toHaveLength(0)
  })
})
