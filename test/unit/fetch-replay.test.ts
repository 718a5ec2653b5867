// @vitest-environment node
// Node's Response follows the Fetch standard (happy-dom's accepts status 0 and does not copy
// bodies), and replaying Responses faithfully is what these tests check.
import { cachedFetch } from 'asynccache/fetch'
import { describe, expect, test } from 'vitest'
import { record } from '../support/cache-events.js'
import { fetchDouble, networkResponse, numbered, OpaqueResponse } from '../support/fetch-double.js'

const url = 'https://api.test/users/42'

describe('cachedFetch replays stored responses', () => {
  test('every hit gets a new Response whose body is readable on its own', async () => {
    const net = fetchDouble(numbered())
    const api = cachedFetch({ fetch: net.fetch })

    const first = await api(url)
    const second = await api(url)
    const third = await api(url)

    expect(net.calls).toHaveLength(1)
    expect(second).not.toBe(first)
    expect(third).not.toBe(second)
    expect(await second.json()).toEqual({ n: 1 })
    // Reading one body leaves the others (and the stored bytes) untouched.
    expect(second.bodyUsed).toBe(true)
    expect(third.bodyUsed).toBe(false)
    expect(await first.text()).toBe('{"n":1}')
    expect(await third.json()).toEqual({ n: 1 })
    expect(await (await api(url)).json()).toEqual({ n: 1 })
  })

  test('status, status text, headers, url, redirected and type survive, clones included', async () => {
    const net = fetchDouble((call) =>
      Object.defineProperty(
        networkResponse(call.url, 'made', {
          status: 201,
          statusText: 'Created',
          // A 201 is not cacheable by default: `private` lets this cache keep it (RFC 9111 section 3).
          headers: { 'content-type': 'text/plain', 'x-trace': 'abc', 'cache-control': 'private' },
        }),
        'redirected',
        { value: true },
      ),
    )
    const api = cachedFetch({ fetch: net.fetch })
    await api(url)

    const hit = await api(url)
    expect(net.calls).toHaveLength(1)
    expect(hit.status).toBe(201)
    expect(hit.statusText).toBe('Created')
    expect(hit.ok).toBe(true)
    expect(hit.headers.get('content-type')).toBe('text/plain')
    expect(hit.headers.get('x-trace')).toBe('abc')
    // A constructed Response would read '' / false / 'default' here.
    expect(hit.url).toBe(url)
    expect(hit.redirected).toBe(true)
    expect(hit.type).toBe('basic')
    const clone = hit.clone()
    expect([clone.url, clone.redirected, clone.type]).toEqual([url, true, 'basic'])
    expect(await clone.text()).toBe('made')
    expect(await hit.text()).toBe('made')
  })

  test('a 204 is stored and replays with a null body', async () => {
    const net = fetchDouble((call) => networkResponse(call.url, null, { status: 204 }))
    const api = cachedFetch({ fetch: net.fetch, cacheable: (r) => r.status === 204 })
    await api(url)

    const hit = await api(url)
    expect(net.calls).toHaveLength(1)
    expect(hit.status).toBe(204)
    expect(hit.body).toBeNull()
    expect(await hit.text()).toBe('')
  })

  test('a HEAD response replays without a body, apart from the GET of the same URL', async () => {
    const net = fetchDouble((call, n) =>
      networkResponse(call.url, call.method === 'HEAD' ? null : 'body', {
        headers: { 'x-n': String(n) },
      }),
    )
    const api = cachedFetch({ fetch: net.fetch })

    await api(url, { method: 'HEAD' })
    const head = await api(url, { method: 'head' })
    const get = await api(url)

    expect(net.calls.map((call) => call.method)).toEqual(['HEAD', 'GET'])
    expect(head.body).toBeNull()
    expect(head.headers.get('x-n')).toBe('1')
    expect(await get.text()).toBe('body')
    expect(api.cacheInstance.has(`HEAD ${url}`)).toBe(true)
    expect(api.cacheInstance.has(url)).toBe(true)
  })

  test('an opaque response is never stored, yet reaches every caller of its flight', async () => {
    const net = fetchDouble(() => new OpaqueResponse())
    const api = cachedFetch({ fetch: net.fetch, cacheable: () => true })
    const events = record(api.cacheInstance)

    const together = await Promise.all([api(url), api(url), api(url)])
    expect(net.calls).toHaveLength(1)
    expect(new Set(together).size).toBe(3)
    expect(together.map((r) => [r.type, r.status])).toEqual(Array(3).fill(['opaque', 0]))
    expect(events.filter((e) => e.startsWith('load-') || e.startsWith('set'))).toEqual([
      `load-start ${url}`,
      `load-success ${url}`,
    ])

    await api(url)
    expect(net.calls).toHaveLength(2)
    expect(api.cacheInstance.size).toBe(0)
  })

  test("an opaque response reloaded with cache: 'reload' reaches its caller", async () => {
    const net = fetchDouble(() => new OpaqueResponse())
    const api = cachedFetch({ fetch: net.fetch })

    const response = await api(url, { cache: 'reload' })

    expect([response.type, response.status]).toEqual(['opaque', 0])
    expect(api.cacheInstance.size).toBe(0)
  })

  test('a status-0 error response is never stored', async () => {
    const net = fetchDouble(() => Response.error())
    const api = cachedFetch({ fetch: net.fetch, cacheable: () => true })

    expect((await api(url)).type).toBe('error')
    expect((await api(url)).type).toBe('error')
    expect(net.calls).toHaveLength(2)
  })

  test('a response not stored still gives each waiting caller its own readable body', async () => {
    const net = fetchDouble()
    const api = cachedFetch({ fetch: net.fetch })

    const waiting = [api(url), api(url), api(url)]
    net.calls[0]?.respond(networkResponse(url, '{"error":"gone"}', { status: 404 }))
    const responses = await Promise.all(waiting)

    expect(net.calls).toHaveLength(1)
    expect(new Set(responses).size).toBe(3)
    for (const response of responses) {
      expect(response.status).toBe(404)
      expect(response.url).toBe(url)
      expect(await response.json()).toEqual({ error: 'gone' })
    }
    expect(api.cacheInstance.size).toBe(0)
  })

  test('concurrent identical requests share one network request, each with its own Response', async () => {
    const net = fetchDouble()
    const api = cachedFetch({ fetch: net.fetch })

    const waiting = Array.from({ length: 20 }, () => api(url))
    expect(net.calls).toHaveLength(1)
    net.calls[0]?.respond(networkResponse(url, '"shared"'))
    const responses = await Promise.all(waiting)

    expect(new Set(responses).size).toBe(20)
    expect(await Promise.all(responses.map((r) => r.json()))).toEqual(Array(20).fill('shared'))
    expect(api.cacheInstance.getStats()).toMatchObject({ misses: 1, hits: 19 })
  })
})
