import { AsyncCache } from 'asynccache'
import { describe, expect, test } from 'vitest'

describe('AsyncCache in real Chromium', () => {
  test('runs in a real browser', () => {
    expect(navigator.userAgent).toContain('Chrome')
    expect(typeof indexedDB).toBe('object')
  })

  test('LRU evicts the least recently used entry', () => {
    const cache = new AsyncCache<string, number>({ maxsize: 2, policy: 'LRU' })
    cache.set('a', 1)
    cache.set('b', 2)
    expect(cache.get('a')).toBe(1) // 'b' is now the least recently used
    cache.set('c', 3)

    expect(cache.size).toBe(2)
    expect(cache.has('b')).toBe(false)
    expect(cache.get('b')).toBeUndefined()
    expect(cache.get('a')).toBe(1)
    expect(cache.get('c')).toBe(3)
  })

  test('entries expire after their TTL on the injected clock', () => {
    let t = 0
    const cache = new AsyncCache<string, string>({
      maxsize: 10,
      policy: 'LRU',
      ttl: 1,
      now: () => t,
    })
    cache.set('k', 'v')

    t = 999
    expect(cache.get('k')).toBe('v')
    t = 1001
    expect(cache.get('k')).toBeUndefined()
    expect(cache.has('k')).toBe(false)
  })

  test('concurrent getOrLoad calls share a single loader run', async () => {
    const cache = new AsyncCache<string, number>({ maxsize: 10, policy: 'LRU' })
    let release!: (value: number) => void
    const gate = new Promise<number>((resolve) => {
      release = resolve
    })
    let runs = 0
    const loader = (_signal: AbortSignal) => {
      runs++
      return gate
    }

    const calls = Array.from({ length: 20 }, () => cache.getOrLoad('k', loader))
    release(42)

    expect(await Promise.all(calls)).toEqual(Array(20).fill(42))
    expect(runs).toBe(1)
    // The first caller misses; the other 19 joined the load in flight, which counts as a hit.
    expect(cache.getStats()).toMatchObject({ misses: 1, hits: 19 })
    expect(cache.get('k')).toBe(42)
  })
})
