// @vitest-environment node
// The two styles the README shows for caching fetches: cachedFetch (Responses) and asyncCache
// around a function that fetches and parses (values). Node's fetch classes follow the standard.
import { asyncCache } from 'asynccache'
import { cachedFetch } from 'asynccache/fetch'
import { afterEach, expect, test, vi } from 'vitest'
import { fetchDouble, networkResponse } from '../support/fetch-double.js'

interface User {
  id: number
  name: string
}

afterEach(() => {
  vi.unstubAllGlobals()
})

/** A server double: users 1-9 exist, others answer 404. */
function users() {
  return fetchDouble((call) => {
    const id = Number(call.url.split('/').pop())
    return id < 10
      ? networkResponse(call.url, JSON.stringify({ id, name: `user ${id}` }))
      : networkResponse(call.url, '{"error":"not found"}', { status: 404 })
  })
}

test('asyncCache around fetch-and-parse caches parsed values, once per id', async () => {
  const net = users()
  vi.stubGlobal('fetch', net.fetch)
  const getUser = asyncCache({ maxsize: 500, policy: 'LRU', ttl: 30 })(async (id: number) => {
    const response = await fetch(`https://api.test/users/${id}`)
    if (!response.ok) throw new Error(`user ${id}: HTTP ${response.status}`)
    return (await response.json()) as User
  })

  const [a, b] = await Promise.all([getUser(1), getUser(1)])
  expect(a).toEqual({ id: 1, name: 'user 1' })
  expect(b).toBe(a) // the same parsed object: callers must not mutate it
  await expect(getUser(42)).rejects.toThrow('user 42: HTTP 404')
  await expect(getUser(42)).rejects.toThrow('user 42: HTTP 404')
  expect(net.calls.map((call) => call.url)).toEqual([
    'https://api.test/users/1',
    'https://api.test/users/42',
    'https://api.test/users/42',
  ])
  expect(getUser.cacheInstance.get(1)).toBe(a)
})

test('cachedFetch gives Responses and parses per call', async () => {
  const net = users()
  const api = cachedFetch({ maxsize: 500, policy: 'LRU', ttl: 30, fetch: net.fetch })

  const [a, b] = await Promise.all([
    api.json<User>('https://api.test/users/1'),
    api.json<User>('https://api.test/users/1'),
  ])
  expect(a).toEqual({ id: 1, name: 'user 1' })
  expect(b).toEqual(a)
  expect(b).not.toBe(a) // each call parses its own copy
  expect((await api('https://api.test/users/42')).status).toBe(404)
  expect(net.calls).toHaveLength(2)
})
