import { AsyncCache, asyncCache, cacheOf, makeHashable } from 'asynccache'
import { type PersistOptions, persist } from 'asynccache/persist'
import { set as rawSet } from 'idb-keyval'
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest'
import {
  database,
  freshIndexedDB,
  instrumented,
  manualTimers,
  recorder,
  rows,
} from './persist-fixtures.js'

let t: number
const now = () => t

beforeEach(() => {
  freshIndexedDB()
  t = 1_000_000
})
afterEach(() => {
  vi.unstubAllGlobals()
})

type Options = ConstructorParameters<typeof AsyncCache>[0]

/** A cache on the test clock, persisted under `name`, once hydrated. */
async function open<V = string>(
  name: string,
  cacheOptions: Partial<Options> = {},
  options: PersistOptions<unknown, V> = {},
) {
  const cache = new AsyncCache<unknown, V>({ maxsize: 10, policy: 'LRU', now, ...cacheOptions })
  const store = persist(cache, { name, schedule: manualTimers().schedule, ...options })
  await store.ready
  return { cache, store }
}

describe('hydration after the cache object is rebuilt', () => {
  test('values come back in LRU order, reads included', async () => {
    const first = await open('lru')
    for (const key of ['a', 'b', 'c', 'd']) first.cache.set(key, key.toUpperCase())
    first.cache.get('a')
    first.cache.get('c')
    await first.store.stop()

    const cache = new AsyncCache<unknown, string>({ maxsize: 10, policy: 'LRU', now })
    const hydrated = recorder(cache, 'persist-hydrated')
    const store = persist(cache, { name: 'lru', schedule: manualTimers().schedule })
    await store.ready
    expect(store.status).toBe('ready')
    expect(hydrated).toMatchObject([{ type: 'persist-hydrated', count: 4 }])
    expect([...cache.keys()]).toEqual(['c', 'a', 'd', 'b'])
    expect(cache.peek('a')).toBe('A')
  })

  test('LFU frequencies come back, and the hottest entries are kept', async () => {
    const first = await open('lfu', { policy: 'LFU' })
    for (const key of ['x', 'y', 'z']) first.cache.set(key, key)
    for (let i = 0; i < 3; i++) first.cache.get('x')
    first.cache.get('y')
    await first.store.stop()

    const second = await open('lfu', { policy: 'LFU' })
    const frequencies = Object.fromEntries(
      second.cache.inspect().map((entry) => [entry.key, entry.frequency]),
    )
    expect(frequencies).toEqual({ x: 4, y: 2, z: 1 })
    second.cache.set('w', 'w') // a newcomer: frequency 1, recent
    await second.store.stop()

    const small = await open('lfu', { policy: 'LFU', maxsize: 2 })
    expect(new Set(small.cache.keys())).toEqual(new Set(['x', 'y']))
    await small.store.flush()
    const left = await rows('lfu')
    expect(left.has('vsz')).toBe(false)
    expect(left.has('vsw')).toBe(false)
    expect(left.has('vsx')).toBe(true)
  })

  test('state from reads in later windows comes from the metadata row; a newer set supersedes it', async () => {
    const first = await open('meta', { policy: 'LFU' })
    for (const key of ['a', 'b', 'c']) first.cache.set(key, key)
    await first.store.flush()
    first.cache.get('a')
    first.cache.get('a')
    first.cache.get('b')
    await first.store.stop()

    const second = await open('meta', { policy: 'LFU' })
    const state = () => second.cache.inspect().map((e) => [e.key, e.frequency])
    expect(state()).toEqual([
      ['a', 3],
      ['b', 2],
      ['c', 1],
    ])
    second.cache.set('b', 'B') // a use: frequency 3, now the most recent of the two at 3
    await second.store.stop()

    const third = await open('meta', { policy: 'LFU' })
    expect(third.cache.inspect().map((e) => [e.key, e.frequency])).toEqual([
      ['b', 3],
      ['a', 3],
      ['c', 1],
    ])
    expect(third.cache.peek('b')).toBe('B')
    // The metadata row of 'b' was older than its new value row: hydration removed it.
    await third.store.flush()
    expect([...(await rows('meta')).keys()].sort()).toEqual(['msa', 'vsa', 'vsb', 'vsc'])
  })

  test('the remaining TTL is restored on the cache clock; expired entries are dropped and deleted', async () => {
    const first = await open('ttl', { ttl: 10 })
    first.cache.set('short', 's')
    first.cache.set('long', 'l', { ttl: 100 })
    first.cache.set('forever', 'f', { ttl: null })
    await first.store.stop()

    t += 20_000
    const second = await open('ttl', { ttl: 10 })
    expect(second.cache.has('short')).toBe(false)
    const remaining = Object.fromEntries(
      second.cache.inspect().map((entry) => [entry.key, entry.ttlRemainingMs]),
    )
    expect(remaining).toEqual({ long: 80_000, forever: null })
    await second.store.flush()
    expect([...(await rows('ttl')).keys()].sort()).toEqual(['vsforever', 'vslong'])
  })

  test('a smaller maxsize brings back the entries the policy keeps and deletes the rest', async () => {
    const first = await open('cap')
    for (const key of ['a', 'b', 'c', 'd', 'e']) first.cache.set(key, key)
    first.cache.get('a')
    await first.store.stop()

    const second = await open('cap', { maxsize: 3 })
    expect([...second.cache.keys()]).toEqual(['a', 'e', 'd'])
    await second.store.flush()
    const left = await rows('cap')
    // 'a' was set and read in one window: one value row carries its latest state.
    expect([...left.keys()].sort()).toEqual(['vsa', 'vsd', 'vse'])
  })

  test('data written under another version is dropped, not misread', async () => {
    const first = await open('ver', {}, { version: 1 })
    first.cache.set('a', 'shape 1')
    await first.store.stop()

    const second = await open('ver', {}, { version: 2 })
    expect(second.cache.size).toBe(0)
    await second.store.flush()
    expect((await rows('ver')).size).toBe(0)
  })

  test('malformed or foreign records are skipped and removed, never thrown', async () => {
    const first = await open('bad')
    first.cache.set('good', 'ok')
    await first.store.stop()
    const db = database('bad')
    await rawSet('vsjunk', 42, db)
    await rawSet('vsmismatch', { f: 1, v: 1, key: 'other', value: 1, expiresAt: null }, db)
    await rawSet('vsbadexpiry', { f: 1, v: 1, key: 'badexpiry', value: 1, expiresAt: 'soon' }, db)
    await rawSet('msgood', { f: 1, v: 1, key: 'good', seq: 1, freq: 0 }, db)
    await rawSet(7, 'not ours', db)
    await rawSet('msorphan', { f: 1, v: 1, key: 'orphan', seq: 1, freq: 1 }, db)

    const cache = new AsyncCache<unknown, string>({ maxsize: 10, policy: 'LRU', now })
    const errors = recorder(cache, 'persist-error')
    const store = persist(cache, { name: 'bad', schedule: manualTimers().schedule })
    await store.ready
    expect(store.status).toBe('ready')
    expect([...cache.entries()]).toEqual([['good', 'ok']])
    expect(errors).toHaveLength(1)
    expect(errors[0]).toMatchObject({ reason: expect.stringContaining('5 malformed records') })
    await store.flush()
    expect([...(await rows('bad')).keys()]).toEqual(['vsgood'])
  })

  test('keys of every primitive type round-trip and stay distinct', async () => {
    const first = await open<number>('types')
    const keys = [1, '1', 1n, true, 'true', null, undefined, -0, Number.NaN]
    for (const [i, key] of keys.entries()) first.cache.set(key, i)
    await first.store.stop()

    const second = await open<number>('types')
    // -0 and 0 are one Map key, as they are one IndexedDB key.
    expect(new Map(second.cache.entries())).toEqual(new Map(keys.map((key, i) => [key, i])))
  })
})

describe('what memory holds wins over the disk', () => {
  test('a value set while hydrating is not overwritten by the older disk copy', async () => {
    const first = await open('race')
    first.cache.set('a', 'old')
    first.cache.set('b', 'old')
    await first.store.stop()

    const cache = new AsyncCache<unknown, string>({ maxsize: 10, policy: 'LRU', now })
    const store = persist(cache, { name: 'race', schedule: manualTimers().schedule })
    cache.set('a', 'new')
    await store.ready
    expect(cache.peek('a')).toBe('new')
    expect(cache.peek('b')).toBe('old')
    await store.flush()
    expect((await rows('race')).get('vsa')).toMatchObject({ value: 'new' })
  })

  test('an entry deleted while hydrating is not brought back; a clear while hydrating wins', async () => {
    const first = await open('gone')
    for (const key of ['a', 'b', 'c']) first.cache.set(key, key)
    await first.store.stop()

    const cache = new AsyncCache<unknown, string>({ maxsize: 10, policy: 'LRU', now })
    cache.set('a', 'memory')
    const store = persist(cache, { name: 'gone', schedule: manualTimers().schedule })
    cache.delete('a')
    await store.ready
    expect([...cache.keys()].sort()).toEqual(['b', 'c'])
    await store.flush()
    expect((await rows('gone')).has('vsa')).toBe(false)

    const again = new AsyncCache<unknown, string>({ maxsize: 10, policy: 'LRU', now })
    const second = persist(again, { name: 'gone', schedule: manualTimers().schedule })
    again.clear()
    await second.ready
    expect(again.size).toBe(0)
    await second.flush()
    expect((await rows('gone')).size).toBe(0)
  })

  test('entries set while hydrating rank above the restored ones, in memory and on the next visit', async () => {
    const first = await open('rank', { maxsize: 3 })
    for (const key of ['a', 'b', 'c']) first.cache.set(key, key)
    await first.store.stop()

    const cache = new AsyncCache<unknown, string>({ maxsize: 3, policy: 'LRU', now })
    const store = persist(cache, { name: 'rank', schedule: manualTimers().schedule })
    cache.set('x', 'new')
    await store.ready
    // Full: the coldest record gives way, never the newer entry in memory.
    expect([...cache.keys()]).toEqual(['x', 'c', 'b'])
    await store.stop()

    const third = await open('rank', { maxsize: 3 })
    expect([...third.cache.keys()]).toEqual(['x', 'c', 'b'])
  })

  test('entries the cache held before persist() are written too', async () => {
    const cache = new AsyncCache<unknown, string>({ maxsize: 10, policy: 'LRU', now })
    cache.set('early', 'bird')
    const store = persist(cache, { name: 'early', schedule: manualTimers().schedule })
    await store.flush()
    expect((await rows('early')).get('vsearly')).toMatchObject({ value: 'bird' })
  })
})

describe('misses wait for hydration, within a bound', () => {
  /** A store whose first read waits until `release()`. */
  function heldHydration() {
    let release!: () => void
    const gate = new Promise<void>((resolve) => {
      release = resolve
    })
    const { createStore } = instrumented(
      (use) => (mode, callback) =>
        mode === 'readonly' ? gate.then(() => use(mode, callback)) : use(mode, callback),
    )
    return { createStore, release }
  }

  test('cache.getOrLoad called while hydrating is served from disk; a key not on disk loads once', async () => {
    const first = await open('wait')
    first.cache.set('a', 'from disk')
    await first.store.stop()

    const held = heldHydration()
    const cache = new AsyncCache<unknown, string>({ maxsize: 10, policy: 'LRU', now })
    const store = persist(cache, {
      name: 'wait',
      createStore: held.createStore,
      schedule: manualTimers().schedule,
    })
    const loader = vi.fn(async () => 'from loader')
    const calls = [cache.getOrLoad('a', loader), cache.getOrLoad('a', loader)]
    const missing = [cache.getOrLoad('b', loader), cache.getOrLoad('b', loader)]
    await Promise.resolve()
    expect(store.status).toBe('hydrating')
    expect(loader).not.toHaveBeenCalled()

    held.release()
    expect(await Promise.all(calls)).toEqual(['from disk', 'from disk'])
    expect(await Promise.all(missing)).toEqual(['from loader', 'from loader'])
    expect(loader).toHaveBeenCalledTimes(1)
    expect(cache.getStats()).toMatchObject({ hits: 3, misses: 1 })
  })

  test('an asyncCache wrapper called while hydrating is served from disk', async () => {
    const fetchUser = vi.fn(async (id: number) => ({ id, fetched: true }))
    const firstVisit = asyncCache({ maxsize: 10, now })(fetchUser)
    const first = persist(cacheOf(firstVisit), {
      name: 'wrapped',
      schedule: manualTimers().schedule,
    })
    await first.ready
    await firstVisit(7)
    await first.stop()
    fetchUser.mockClear()

    const held = heldHydration()
    const secondVisit = asyncCache({ maxsize: 10, now })(fetchUser)
    const store = persist(cacheOf(secondVisit), {
      name: 'wrapped',
      createStore: held.createStore,
      schedule: manualTimers().schedule,
    })
    const user = secondVisit(7)
    held.release()
    expect(await user).toEqual({ id: 7, fetched: true })
    expect(fetchUser).not.toHaveBeenCalled()
    expect(store.status).toBe('ready')
  })

  test('a delete of a key only on disk, made while hydrating, keeps the disk value from coming back', async () => {
    const first = await open('invalidated')
    first.cache.set('k', 'old')
    first.cache.set('other', 'kept')
    await first.store.stop()

    const held = heldHydration()
    const cache = new AsyncCache<unknown, string>({ maxsize: 10, policy: 'LRU', now })
    const store = persist(cache, {
      name: 'invalidated',
      createStore: held.createStore,
      schedule: manualTimers().schedule,
    })
    cache.delete('k') // not in memory: only the disk holds it
    const loader = vi.fn(async () => 'fresh')
    const waiting = cache.getOrLoad('k', loader)
    held.release()
    await store.ready
    expect(cache.peek('other')).toBe('kept')
    expect(await waiting).toBe('fresh')
    expect(loader).toHaveBeenCalledTimes(1)
    await store.flush()
    expect((await rows('invalidated')).get('vsk')).toMatchObject({ value: 'fresh' })
  })

  test('a delete while hydrating, with no load waiting, leaves the key absent in memory and on disk', async () => {
    const first = await open('invalidated-peek')
    first.cache.set('k', 'old')
    await first.store.stop()

    const held = heldHydration()
    const cache = new AsyncCache<unknown, string>({ maxsize: 10, policy: 'LRU', now })
    const store = persist(cache, {
      name: 'invalidated-peek',
      createStore: held.createStore,
      schedule: manualTimers().schedule,
    })
    cache.delete('k')
    held.release()
    await store.ready
    expect(cache.peek('k')).toBeUndefined()
    await store.flush()
    expect((await rows('invalidated-peek')).size).toBe(0)
  })

  test('past hydrationWait the loader runs, and hydration keeps the loaded value', async () => {
    const first = await open('late')
    first.cache.set('a', 'from disk')
    await first.store.stop()

    // The cache times its hold with setTimeout; fake-indexeddb runs on setImmediate.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    try {
      const held = heldHydration()
      const cache = new AsyncCache<unknown, string>({ maxsize: 10, policy: 'LRU', now })
      const store = persist(cache, {
        name: 'late',
        createStore: held.createStore,
        schedule: manualTimers().schedule,
        hydrationWait: 500,
      })
      const loader = vi.fn(async () => 'from loader')
      const result = cache.getOrLoad('a', loader)
      await vi.advanceTimersByTimeAsync(499)
      expect(loader).not.toHaveBeenCalled()
      await vi.advanceTimersByTimeAsync(1)
      expect(loader).toHaveBeenCalledTimes(1)
      expect(await result).toBe('from loader')
      expect(store.status).toBe('hydrating')

      held.release()
      await store.ready
      expect(cache.peek('a')).toBe('from loader')
      await store.flush()
      expect((await rows('late')).get('vsa')).toMatchObject({ value: 'from loader' })
    } finally {
      vi.useRealTimers()
    }
  })
})

describe('what is not persisted', () => {
  test('keys with an identity part stay in memory only', async () => {
    class Session {}
    const key = makeHashable(new Session())
    const first = await open('identity')
    first.cache.set(key, 'per instance')
    first.cache.set('plain', 'shared')
    first.cache.get(key)
    await first.store.stop()
    expect([...(await rows('identity')).keys()]).toEqual(['vsplain'])
  })

  test('entries the filter rejects stay in memory, and an older disk copy is deleted', async () => {
    const filter = (_key: unknown, value: string) => !value.startsWith('secret')
    const first = await open('filter', {}, { filter })
    first.cache.set('token', 'public')
    await first.store.flush()
    first.cache.set('token', 'secret-123')
    first.cache.set('other', 'secret-456')
    await first.store.stop()
    expect(first.cache.peek('token')).toBe('secret-123')
    expect((await rows('filter')).size).toBe(0)
  })
})
