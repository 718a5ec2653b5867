// Runs in the unit project's happy-dom, as an application's own tests would: a page URL to
// resolve relative URLs against, and happy-dom's own Response.
import { cachedFetch } from 'asynccache/fetch'
import { expect, test } from 'vitest'
import { fetchDouble, numbered } from '../support/fetch-double.js'

test('relative URLs resolve against the page, as fetch resolves them', async () => {
  const net = fetchDouble(numbered())
  const api = cachedFetch({ fetch: net.fetch })

  await api('/api/users/42')
  const hit = await api(`${location.origin}/api/users/42#profile`)

  expect(net.calls).toHaveLength(1)
  expect(net.calls[0]?.url).toBe('/api/users/42')
  expect([...api.cacheInstance.keys()]).toEqual([new URL('/api/users/42', location.href).href])
  expect(await hit.json()).toEqual({ n: 1 })
  expect(api.invalidate('/api/users/42')).toBe(true)
})
