import { AsyncCache, type PolicyName } from 'asynccache'
import { type PersistOptions, persist } from 'asynccache/persist'
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest'
import { freshIndexedDB, instrumented, manualTimers, nextEvent, rows } from './persist-fixtures.js'

beforeEach(() => {
  freshIndexedDB()
})
afterEach(() => {
  vi.unstubAllGlobals()
})

/** A hydrated, persisted cache (LRU unless said) whose store counts transactions and whose timers run by hand. */
async function open(
  name: string,
  options: PersistOptions<unknown, unknown> = {},
  maxsize = 100,
  policy: PolicyName = 'LRU',
) {
  const cache = new AsyncCache<unknown, unknown>({ maxsize, policy })
  const timers = manualTimers()
  const { log, createStore } = instrumented()
  const store = persist(cache, { name, schedule: timers.schedule, createStore, ...options })
  await store.ready
  return { cache, store, timers, log }
}

describe('batching', () => {
  test('every change within a window goes into one transaction, each key written once', async () => {
    const { cache, timers, log } = await open('window', { flushWindow: 250 })
    const flushed = nextEvent(cache, 'persist-flushed')
    for (let i = 0; i < 100; i++) cache.set(`k${i % 50}`, i)
    expect(timers.waiting()).toEqual([250])
    expect(log.transactions).toBe(0)

    timers.fire()
    expect(await flushed).toMatchObject({ count: 50 })
    expect(log.transactions).toBe(1)
    const values = log.puts.filter((key) => String(key).startsWith('v'))
    expect(values).toHaveLength(50)
    expect((await rows('window')).get('vsk0')).toMatchObject({ value: 50 })
  })

  test('10,000 sets in one burst take one transaction', async () => {
    const { cache, store, log } = await open('burst', {}, 10_000)
    for (let i = 0; i < 10_000; i++) cache.set(i, { i })
    await store.flush()
    expect(log.transactions).toBe(1)
    expect((await rows('burst')).size).toBe(10_000)
  })

  test.each<PolicyName>(['LRU', 'LFU'])(
    '%s: a read rewrites only the small metadata record, not the value',
    async (policy) => {
      const { cache, store, log } = await open(`reads-${policy}`, {}, 100, policy)
      cache.set('a', 'x'.repeat(10_000))
      cache.set('b', 'y')
      await store.flush()
      log.puts.length = 0

      cache.get('a')
      cache.get('a')
      await store.flush()
      expect(log.puts).toEqual(['msa'])
      expect((await rows(`reads-${policy}`)).get('msa')).toMatchObject({
        freq: policy === 'LFU' ? 3 : 1,
      })
    },
  )

  test('a batch reads each changed entry, never the whole cache', async () => {
    const { cache, store } = await open('per-key', {}, 1000, 'LFU')
    for (let i = 0; i < 1000; i++) cache.set(i, i)
    await store.flush()
    const dump = vi.spyOn(cache, 'dump')
    const info = vi.spyOn(cache, 'info')

    cache.set(1, 'changed')
    cache.get(2)
    await store.flush()
    expect(dump).not.toHaveBeenCalled()
    expect(info.mock.calls).toEqual([[1], [2]])
    expect((await rows('per-key')).get('vn1')).toMatchObject({ value: 'changed', expiresAt: null })
  })

  test('flush() resolves once every earlier change is on disk, across batches in flight', async () => {
    const { cache, store } = await open('flush')
    cache.set('a', 1)
    const first = store.flush()
    cache.set('b', 2)
    cache.delete('a')
    await store.flush()
    await first
    expect([...(await rows('flush')).keys()]).toEqual(['vsb'])
  })

  test('deletes are mirrored, an entry evicted before its write leaves no row; a clear() empties memory and disk', async () => {
    const { cache, store } = await open('mirror', {}, 2)
    cache.set('a', 1)
    cache.set('b', 2)
    cache.set('c', 3) // evicts 'a'
    cache.delete('b')
    await store.flush()
    expect([...(await rows('mirror')).keys()]).toEqual(['vsc'])

    await store.clear()
    expect(cache.size).toBe(0)
    expect((await rows('mirror')).size).toBe(0)
  })
})

describe('page lifecycle', () => {
  test('pagehide flushes at once', async () => {
    const { cache, timers, log } = await open('pagehide')
    const flushed = nextEvent(cache, 'persist-flushed')
    cache.set('a', 1)
    window.dispatchEvent(new Event('pagehide'))
    // flush() replaces the window's timer.
    expect(timers.waiting()).toEqual([])
    await flushed
    expect(log.transactions).toBe(1)
  })

  test('the page becoming hidden flushes; becoming visible does not', async () => {
    const { cache, timers, log } = await open('hidden')
    const flushed = nextEvent(cache, 'persist-flushed')
    let state: DocumentVisibilityState = 'visible'
    vi.spyOn(document, 'visibilityState', 'get').mockImplementation(() => state)
    cache.set('a', 1)
    document.dispatchEvent(new Event('visibilitychange'))
    expect(timers.waiting()).toEqual([100])

    state = 'hidden'
    document.dispatchEvent(new Event('visibilitychange'))
    expect(timers.waiting()).toEqual([])
    await flushed
    expect(log.transactions).toBe(1)
  })
})

describe('stop()', () => {
  test('writes what is pending, then detaches; the data stays on disk', async () => {
    const { cache, store, timers, log } = await open('stop')
    cache.set('a', 1)
    await store.stop()
    cache.set('b', 2)
    window.dispatchEvent(new Event('pagehide'))
    timers.fire()
    await store.flush()
    expect(log.transactions).toBe(1)
    expect([...(await rows('stop')).keys()]).toEqual(['vsa'])
  })

  test("every call shares the first one's promise", async () => {
    const { store } = await open('stop-twice')
    const first = store.stop()
    expect(store.stop()).toBe(first)
    await first
  })
})

describe('options', () => {
  test('bad options throw a TypeError or RangeError naming the option', () => {
    const cache = new AsyncCache({ maxsize: 1 })
    expect(() => persist(cache)).toThrow(/options.name must be a non-empty string/)
    expect(() => persist(cache, { name: 'x', flushWindow: -1 })).toThrow(RangeError)
    expect(() => persist(cache, { name: 'x', version: {} as never })).toThrow(/version/)
    expect(() => persist(cache, { name: 'x', filter: 1 as never })).toThrow(
      /filter must be a function/,
    )
    expect(() => persist({} as never, { name: 'x' })).toThrow(/expected an AsyncCache/)
  })

  test('the database name defaults to the cache name', async () => {
    const cache = new AsyncCache<string, number>({ maxsize: 5, name: 'named' })
    const store = persist(cache, { schedule: manualTimers().schedule })
    cache.set('a', 1)
    await store.flush()
    expect((await rows('named')).has('vsa')).toBe(true)
  })
})
