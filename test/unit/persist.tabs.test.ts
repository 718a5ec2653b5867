import { AsyncCache } from 'asynccache'
import { type PersistOptions, persist } from 'asynccache/persist'
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest'
import { freshIndexedDB, instrumented, manualTimers, nextEvent, rows } from './persist-fixtures.js'

// Node's BroadcastChannel, like a browser's, delivers to every other channel of the same name.
const stops: (() => Promise<void>)[] = []

beforeEach(() => {
  freshIndexedDB()
})
afterEach(async () => {
  for (const stop of stops.splice(0)) await stop()
  vi.unstubAllGlobals()
})

/** One "tab": a cache persisted under `name`, hydrated, with a store that counts transactions. */
async function tab(name: string, maxsize = 10, options: PersistOptions<unknown, unknown> = {}) {
  const cache = new AsyncCache<unknown, unknown>({ maxsize, policy: 'LRU' })
  const { log, createStore } = instrumented()
  const store = persist(cache, { name, schedule: manualTimers().schedule, createStore, ...options })
  stops.push(() => store.stop())
  await store.ready
  return { cache, store, log }
}

describe('tabs persisting the same name stay coherent', () => {
  test('a value set in one tab reaches the other, which does not write it again', async () => {
    const a = await tab('shared')
    const b = await tab('shared')
    const arrived = nextEvent(b.cache, 'set')
    a.cache.set('k', { v: 1 }, { ttl: 60 })
    await a.store.flush()
    await arrived

    expect(b.cache.peek('k')).toEqual({ v: 1 })
    const remaining = b.cache.inspect()[0].ttlRemainingMs ?? 0
    expect(remaining).toBeGreaterThan(0)
    expect(remaining).toBeLessThanOrEqual(60_000)
    await b.store.flush()
    expect(b.log.transactions).toBe(0)
    expect(a.log.transactions).toBe(1)
  })

  test('deletes and clears reach the other tab', async () => {
    const a = await tab('shared-delete')
    const b = await tab('shared-delete')
    let arrived = nextEvent(b.cache, 'set')
    a.cache.set('x', 1)
    a.cache.set('y', 2)
    await a.store.flush()
    await arrived

    arrived = nextEvent(b.cache, 'delete')
    a.cache.delete('x')
    await a.store.flush()
    await arrived
    expect([...b.cache.keys()]).toEqual(['y'])

    arrived = nextEvent(b.cache, 'clear')
    await a.store.clear()
    await arrived
    expect(b.cache.size).toBe(0)
    expect(b.log.transactions).toBe(0)
  })

  test('capacity evictions stay local', async () => {
    const small = await tab('shared-evict', 1)
    const large = await tab('shared-evict', 10)
    let arrived = nextEvent(large.cache, 'set')
    small.cache.set('first', 1)
    await small.store.flush()
    await arrived

    arrived = nextEvent(large.cache, 'set')
    small.cache.set('second', 2) // evicts 'first' in the small tab only
    await small.store.flush()
    await arrived
    expect(new Set(large.cache.keys())).toEqual(new Set(['first', 'second']))
    expect((await rows('shared-evict')).has('vsfirst')).toBe(false)
  })

  test('tabs on another version ignore each other', async () => {
    const v1 = await tab('shared-version', 10, { version: 1 })
    const v2 = await tab('shared-version', 10, { version: 2 })
    const v1again = await tab('shared-version', 10, { version: 1 })
    const arrived = nextEvent(v1again.cache, 'set')
    v1.cache.set('k', 'v1 data')
    await v1.store.flush()
    await arrived
    // Messages reach channels in order: v2 had its chance before v1again got the message.
    expect(v2.cache.size).toBe(0)
  })
})
