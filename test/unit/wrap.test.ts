import { type AsyncCache, asyncCache, cacheOf, formatStats } from 'asynccache'
import { describe, expect, expectTypeOf, test, vi } from 'vitest'
import * as wrappedModule from './fixtures/wrapped-module.js'

describe('asyncCache(options)(fn)', () => {
  test('caches by arguments: the function runs once per distinct argument list', async () => {
    const fn = vi.fn(async (x: number, y: number) => x + y)
    const compute = asyncCache({ maxsize: 100, policy: 'LFU', ttl: 30 })(fn)
    expect(await compute(1, 2)).toBe(3)
    expect(await compute(1, 2)).toBe(3)
    expect(await compute(3, 4)).toBe(7)
    expect(fn).toHaveBeenCalledTimes(2)
    const stats = formatStats(compute.cacheInstance.getStats())
    expect([stats.hits, stats.misses, stats.hit_miss_ratio]).toEqual([1, 2, '0.3333'])
  })

  test('equal strings share an entry (the original keyed the first argument by id())', async () => {
    const fn = vi.fn(async (s: string) => s.length)
    const cached = asyncCache()(fn)
    await cached(['ab', 'c'].join(''))
    await cached(`a${'bc'}`)
    expect(fn).toHaveBeenCalledTimes(1)
  })

  test('object arguments are keyed by content, order-independently (no crash on unhashable args)', async () => {
    const fn = vi.fn(async (query: { page: number; tags: string[] }) => query.page)
    const cached = asyncCache()(fn)
    await cached({ page: 1, tags: ['a'] })
    await cached({ tags: ['a'], page: 1 })
    await cached({ tags: ['b'], page: 1 })
    expect(fn).toHaveBeenCalledTimes(2)
  })

  test('concurrent calls with the same arguments run the function once (single-flight)', async () => {
    let release!: () => void
    const gate = new Promise<void>((r) => {
      release = r
    })
    const fn = vi.fn(async (id: number) => {
      await gate
      return id * 2
    })
    const cached = asyncCache()(fn)
    const calls = Array.from({ length: 5 }, () => cached(21))
    release()
    expect(await Promise.all(calls)).toEqual([42, 42, 42, 42, 42])
    expect(fn).toHaveBeenCalledTimes(1)
  })

  test('a rejection is not cached', async () => {
    let fail = true
    const cached = asyncCache()(async (id: number) => {
      if (fail) throw new Error('flaky')
      return id
    })
    await expect(cached(1)).rejects.toThrow('flaky')
    fail = false
    expect(await cached(1)).toBe(1)
  })

  test('calls made while loads are held each load with their own arguments', async () => {
    const fn = vi.fn(async (id: number, suffix = '') => `user ${id}${suffix}`)
    const cached = asyncCache({ maxsize: 10 })(fn)
    let restored!: () => void
    cached.cacheInstance.holdLoads(new Promise<void>((r) => (restored = r)), 1000)
    const calls = [cached(1), cached(2), cached(3, '!'), cached(1)]
    restored()
    expect(await Promise.all(calls)).toEqual(['user 1', 'user 2', 'user 3!', 'user 1'])
    expect(fn).toHaveBeenCalledTimes(3)
  })

  test('called through a module namespace, a function is not keyed by the namespace', async () => {
    expect(await wrappedModule.double(2)).toBe(4)
    expect(await wrappedModule.double(2)).toBe(4)
    expect(wrappedModule.runs.count).toBe(1)
    expect(wrappedModule.double.invalidate(2)).toBe(true)
  })

  test('an argument that cannot be keyed rejects, as from an async function', async () => {
    const cyclic: unknown[] = []
    cyclic.push(cyclic)
    const cached = asyncCache()(async (_x: unknown) => 1)
    const call = cached(cyclic)
    expect(call).toBeInstanceOf(Promise)
    await expect(call).rejects.toThrow('makeHashable: the value is cyclic')
  })

  test('a listener that calls another wrapper does not change the loader of the call it observes', async () => {
    const label = asyncCache()(async (key: unknown) => `label:${String(key)}`)
    const user = asyncCache()(async (id: number) => `user:${id}`)
    user.cacheInstance.subscribe((e) => {
      if (e.type === 'miss' || e.type === 'load-start') label(e.key)
    })
    expect(await user(1)).toBe('user:1')
    expect([...user.cacheInstance.entries()]).toEqual([[1, 'user:1']])
  })

  test('invalidate drops the entry for those arguments', async () => {
    const fn = vi.fn(async (id: number) => ({ id }))
    const cached = asyncCache()(fn)
    await cached(42)
    expect(cached.invalidate(42)).toBe(true)
    expect(cached.invalidate(42)).toBe(false)
    await cached(42)
    expect(fn).toHaveBeenCalledTimes(2)
  })

  test('a custom key function replaces the argument key', async () => {
    const fn = vi.fn(async (user: { id: number; name: string }) => user.name)
    const cached = asyncCache({ key: (user: { id: number }) => user.id })(fn)
    await cached({ id: 1, name: 'a' })
    expect(await cached({ id: 1, name: 'renamed' })).toBe('a')
    expect(fn).toHaveBeenCalledTimes(1)
  })

  test('keeps name, this and the TypeScript signature', async () => {
    async function loadUser(this: { prefix: string }, id: number): Promise<string> {
      return `${this.prefix}${id}`
    }
    const cached = asyncCache()(loadUser)
    expect(cached.name).toBe('loadUser')
    expect(await cached.call({ prefix: 'u' }, 1)).toBe('u1')
    expectTypeOf(cached).parameters.toEqualTypeOf<[id: number]>()
    expectTypeOf(cached).returns.toEqualTypeOf<Promise<string>>()
    expectTypeOf(cached.cacheInstance).toEqualTypeOf<
      AsyncCache<import('asynccache').HashKey, string>
    >()
  })

  test('one cache per wrapped function, named after it by default, defaults maxsize 128 and LFU', () => {
    const wrap = asyncCache()
    const a = wrap(async function first() {})
    const b = wrap(async function second() {})
    expect(a.cacheInstance).not.toBe(b.cacheInstance)
    expect(a.cacheInstance).toMatchObject({ name: 'first', maxsize: 128, policy: 'LFU', ttl: null })
    expect(cacheOf(b)).toBe(b.cacheInstance)
  })

  test('bad options and bad targets give clear errors', () => {
    expect(() => asyncCache({ maxsize: 0 })(async () => 1)).toThrow(
      'maxsize must be a positive integer (1 or more), got 0',
    )
    expect(() => asyncCache({ key: 'id' as never })).toThrow(
      'asyncCache: key must be a function of the arguments, got string',
    )
    expect(() => asyncCache()(42 as never)).toThrow(
      'asyncCache(...) wraps a function or decorates a method, got number',
    )
    expect(() => cacheOf(async () => 1)).toThrow('was not wrapped by asyncCache()')
  })

  test('the wrapper caches an async function that fetches and parses', async () => {
    const fetch = vi.fn(async (url: string) => new Response(JSON.stringify({ url })))
    const fetchUser = asyncCache({ maxsize: 256, policy: 'LRU', ttl: 60 })(
      async (id: number) => (await fetch(`/api/users/${id}`)).json() as Promise<{ url: string }>,
    )
    expect(await fetchUser(42)).toEqual({ url: '/api/users/42' })
    expect(await fetchUser(42)).toEqual({ url: '/api/users/42' })
    expect(fetch).toHaveBeenCalledTimes(1)
  })
})

describe('methods', () => {
  test('called as a method, two instances never share an entry', async () => {
    const fn = vi.fn(async function (this: { city: string }, date: string) {
      return `${this.city} ${date}`
    })
    const getForecast = asyncCache()(fn)
    const london = { city: 'London', getForecast }
    const paris = { city: 'Paris', getForecast }
    expect(await london.getForecast('2026-03-25')).toBe('London 2026-03-25')
    expect(await paris.getForecast('2026-03-25')).toBe('Paris 2026-03-25')
    expect(await london.getForecast('2026-03-25')).toBe('London 2026-03-25')
    expect(fn).toHaveBeenCalledTimes(2)
    expect(getForecast.invalidate.call(paris, '2026-03-25')).toBe(true)
    expect(getForecast.invalidate.call(paris, '2026-03-25')).toBe(false)
  })

  test('legacy experimentalDecorators convention: (target, key, descriptor) replaces the method', async () => {
    const calls: string[] = []
    class Service {
      constructor(readonly id: string) {}
      async get(x: number) {
        calls.push(`${this.id}:${x}`)
        return x
      }
    }
    const descriptor = Object.getOwnPropertyDescriptor(
      Service.prototype,
      'get',
    ) as PropertyDescriptor
    const result = asyncCache({ maxsize: 4 })(Service.prototype, 'get', descriptor)
    Object.defineProperty(Service.prototype, 'get', result)
    const a = new Service('a')
    const b = new Service('b')
    await a.get(1)
    await a.get(1)
    await b.get(1)
    expect(calls).toEqual(['a:1', 'b:1'])
    expect(cacheOf(Service.prototype.get).name).toBe('get')
  })
})
