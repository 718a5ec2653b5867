// @vitest-environment node
import { AsyncCache, type CacheEvent } from 'asynccache'
import { cachedFetch } from 'asynccache/fetch'
import { describe, expect, test } from 'vitest'
import { fetchDouble, networkResponse } from '../support/fetch-double.js'

const bySize = (value: string) => value.length

describe('maxSize and sizeOf: a budget for the total size of the entries', () => {
  test('the policy evicts until the total fits, and getStats reports it', () => {
    const cache = new AsyncCache<string, string>({
      maxsize: 100,
      policy: 'LRU',
      maxSize: 10,
      sizeOf: bySize,
    })
    const evicted: string[] = []
    cache.subscribe((e: CacheEvent<string, string>) => {
      if (e.type === 'evict') evicted.push(`${e.key}:${e.reason}`)
    })
    cache.set('a', 'aaaa').set('b', 'bbbb')
    cache.get('a') // b is now the coldest
    cache.set('c', 'cccccc')
    expect(evicted).toEqual(['b:capacity'])
    expect([...cache.keys()]).toEqual(['c', 'a'])
    expect(cache.getStats()).toMatchObject({ totalSize: 10, maxSize: 10 })
    cache.set('a', 'a') // replacing a value changes the total
    expect(cache.getStats().totalSize).toBe(7)
    cache.delete('c')
    expect(cache.getStats().totalSize).toBe(1)
    cache.clear()
    expect(cache.getStats().totalSize).toBe(0)
  })

  test('under LFU a new entry is never its own victim', () => {
    const cache = new AsyncCache<string, string>({ maxsize: 100, maxSize: 6, sizeOf: bySize })
    cache.set('old', 'xxx')
    cache.get('old')
    cache.set('new', 'yyyy') // the coldest by frequency, but just stored: old leaves
    expect([...cache.keys()]).toEqual(['new'])
  })

  test('a value larger than the whole budget is not stored, and its key loses the old value', async () => {
    const cache = new AsyncCache<string, string>({ maxsize: 10, maxSize: 5, sizeOf: bySize })
    cache.set('k', 'ok')
    cache.set('k', 'far too long')
    expect(cache.has('k')).toBe(false)
    expect(cache.getStats()).toMatchObject({ size: 0, totalSize: 0 })
    // A load of such a value reaches its callers and is not stored.
    expect(await cache.getOrLoad('big', async () => 'far too long')).toBe('far too long')
    expect(cache.has('big')).toBe(false)
  })

  test('restore brings back only what fits in the room memory leaves', () => {
    const cache = new AsyncCache<string, string>({ maxsize: 10, maxSize: 5, sizeOf: bySize })
    cache.set('mem', 'mmm')
    expect(cache.restore('big', 'ddd', null)).toBe('outranked')
    expect(cache.restore('small', 'dd', null)).toBe('restored')
    expect(cache.getStats().totalSize).toBe(5)
  })

  test('a bad size is refused by name, and never corrupts the total', async () => {
    const cache = new AsyncCache<string, string>({
      maxsize: 10,
      maxSize: 5,
      sizeOf: () => Number.NaN,
    })
    expect(() => cache.set('k', 'v')).toThrow('sizeOf must be a whole number, 0 or more, got NaN')
    await expect(cache.getOrLoad('k', async () => 'v')).rejects.toThrow(/sizeOf must be/)
    expect(cache.getStats()).toMatchObject({ size: 0, totalSize: 0, loadsInFlight: 0 })
  })

  test.each([
    [{ maxsize: 1, maxSize: 10 }, 'maxSize and sizeOf go together'],
    [{ maxsize: 1, sizeOf: bySize }, 'maxSize and sizeOf go together'],
    [{ maxsize: 1, maxSize: 0, sizeOf: bySize }, 'maxSize must be a positive whole number'],
    [{ maxsize: 1, maxSize: Number.NaN, sizeOf: bySize }, 'got NaN'],
    [{ maxsize: 1, maxSize: 10, sizeOf: 'length' }, 'sizeOf must be a function'],
  ])('%j is refused', (options, message) => {
    expect(() => new AsyncCache(options as never)).toThrow(message)
  })
})

describe('cachedFetch maxBytes', () => {
  const body = (n: number) => 'x'.repeat(n)

  test('responses are evicted until their bytes fit; one larger than the budget is not stored', async () => {
    const sizes: Record<string, number> = { '/a': 600, '/b': 600, '/huge': 5000 }
    const double = fetchDouble((call) =>
      networkResponse(call.url, body(sizes[new URL(call.url).pathname]), {
        headers: { 'cache-control': 'max-age=60' },
      }),
    )
    const api = cachedFetch({ fetch: double.fetch, maxBytes: 1200 })
    await (await api('https://api.test/a')).text()
    await (await api('https://api.test/b')).text()
    const cache = api.cacheInstance
    expect(cache.size).toBe(1) // a and b together pass 1,200 bytes with their headers
    expect(cache.getStats().totalSize).toBeGreaterThan(600)
    expect(cache.getStats().totalSize).toBeLessThanOrEqual(1200)
    expect(await (await api('https://api.test/huge')).text()).toHaveLength(5000)
    expect(await (await api('https://api.test/huge')).text()).toHaveLength(5000)
    expect(double.calls.filter((c) => c.url.endsWith('/huge'))).toHaveLength(2)
    expect(cache.getStats().totalSize).toBeLessThanOrEqual(1200)
  })

  test('a bad maxBytes is refused by name', () => {
    expect(() => cachedFetch({ maxBytes: -1 })).toThrow(
      'maxBytes must be a whole number of bytes, 1 or more, got -1',
    )
  })
})
