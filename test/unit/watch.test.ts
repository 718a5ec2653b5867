import { AsyncCache } from 'asynccache'
import { describe, expect, test, vi } from 'vitest'

const watched = (cache: AsyncCache<string, number>, key: string) => {
  const seen: string[] = []
  const stop = cache.watch(key, (e) => seen.push(e.type))
  return { seen, stop }
}

describe('cache.watch(key, listener)', () => {
  test('hears every change of its key, and of no other key', async () => {
    const cache = new AsyncCache<string, number>({ maxsize: 2, policy: 'LRU' })
    const a = watched(cache, 'a')
    const b = watched(cache, 'b')
    cache.set('a', 1)
    cache.get('a') // a lookup changes nothing shown
    cache.delete('a')
    await cache.getOrLoad('a', async () => 2)
    cache.set('b', 1)
    cache.set('c', 1) // evicts a, the least recently used
    expect(a.seen).toEqual(['set', 'delete', 'load-start', 'set', 'load-success', 'evict'])
    expect(b.seen).toEqual(['set'])
  })

  test('a clear reaches every watcher; a stopped watcher hears nothing more', () => {
    const cache = new AsyncCache<string, number>({ maxsize: 10 })
    const a = watched(cache, 'a')
    const b = watched(cache, 'b')
    a.stop()
    cache.clear()
    expect(a.seen).toEqual([])
    expect(b.seen).toEqual(['clear'])
  })

  test('the cache is subscribed to only while some key is watched', () => {
    const cache = new AsyncCache<string, number>({ maxsize: 10 })
    expect(cache.listening).toBe(false)
    const one = watched(cache, 'a')
    const two = watched(cache, 'a')
    expect(cache.listening).toBe(true)
    one.stop()
    one.stop() // twice changes nothing
    expect(cache.listening).toBe(true)
    two.stop()
    expect(cache.listening).toBe(false)
  })

  test('a watcher that throws is reported and does not stop the others', () => {
    const cache = new AsyncCache<string, number>({ maxsize: 10 })
    const error = vi.spyOn(console, 'error').mockImplementation(() => {})
    cache.watch('a', () => {
      throw new Error('boom')
    })
    const after = watched(cache, 'a')
    cache.set('a', 1)
    expect(after.seen).toEqual(['set'])
    expect(error).toHaveBeenCalledWith(
      "asynccache: a watcher threw on a 'set' event",
      expect.any(Error),
    )
    error.mockRestore()
  })

  test('a listener that is not a function is refused by name', () => {
    const cache = new AsyncCache<string, number>({ maxsize: 10 })
    expect(() => cache.watch('a', 1 as never)).toThrow(
      'watch: listener must be a function, got number',
    )
  })
})

test('expire(key) is told to the key’s watchers, so what shows it learns it is stale', () => {
  let t = 0
  const cache = new AsyncCache<string, number>({
    maxsize: 2,
    staleWhileRevalidate: 60,
    now: () => t,
  })
  cache.set('k', 1)
  const heard: string[] = []
  cache.watch('k', (e) => heard.push(e.type))
  expect(cache.expire('k')).toBe(true)
  expect(heard).toEqual(['expire'])
  t = 1
  expect(cache.inspect()[0]).toMatchObject({ key: 'k', stale: true })
})
