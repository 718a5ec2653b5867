import { AsyncCache } from 'asynccache'
import { type PersistOptions, persist, tabCoherence } from 'asynccache/persist'
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest'
import {
  freshIndexedDB,
  gatedWrites,
  instrumented,
  manualChannels,
  manualTimers,
  nextEvent,
  rows,
} from './persist-fixtures.js'

// Node's BroadcastChannel, like a browser's, delivers to every other channel of the same name.
const stops: (() => Promise<void>)[] = []

beforeEach(() => {
  freshIndexedDB()
})
afterEach(async () => {
  for (const stop of stops.splice(0)) await stop()
  vi.unstubAllGlobals()
})

/**
 * One "tab": a cache persisted under `name` with cross-tab coherence, hydrated, with a store that
 * counts transactions.
 */
async function tab(
  name: string,
  maxsize = 10,
  options: PersistOptions<unknown, unknown> = {},
  now?: () => number,
) {
  const cache = new AsyncCache<unknown, unknown>({ maxsize, policy: 'LRU', ...(now && { now }) })
  const { log, createStore } = instrumented()
  const store = persist(cache, {
    name,
    schedule: manualTimers().schedule,
    createStore,
    tabs: tabCoherence(),
    ...options,
  })
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
    // The large tab still holds it: its row stays for that tab's next visit.
    expect((await rows('shared-evict')).get('vsfirst')).toMatchObject({ value: 1 })
    expect(large.cache.inspect().find((e) => e.key === 'first')?.persisted).toBe(true)
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

/** Each tab's value of `key`, whether it says it is persisted, and the value on disk. */
async function agreement(
  name: string,
  key: string,
  ...tabs: { cache: AsyncCache<unknown, unknown> }[]
) {
  const disk = (await rows(name)).get(`vs${key}`)?.value
  return {
    disk,
    held: tabs.map(({ cache }) => cache.peek(key)),
    persisted: tabs.map(({ cache }) => cache.inspect().find((e) => e.key === key)?.persisted),
  }
}

describe('tabs writing the same key agree with the disk', () => {
  let channels: ReturnType<typeof manualChannels>
  beforeEach(() => {
    channels = manualChannels()
  })

  test('two tabs set one key and flush together: both hold what the disk holds', async () => {
    const a = await tab('race-both')
    const b = await tab('race-both')
    a.cache.set('k', 'A')
    b.cache.set('k', 'B')
    await Promise.all([a.store.flush(), b.store.flush()])
    expect(channels.waiting()).toBe(2)
    channels.deliverAll()
    await Promise.all([a.store.flush(), b.store.flush()])

    const { disk, held, persisted } = await agreement('race-both', 'k', a, b)
    expect(['A', 'B']).toContain(disk)
    expect(held).toEqual([disk, disk])
    expect(persisted).toEqual([true, true])
  })

  test("a tab with the key still to write ignores the other's commit; its own write wins", async () => {
    const a = await tab('race-pending')
    const b = await tab('race-pending')
    a.cache.set('k', 'A')
    b.cache.set('k', 'B')
    await a.store.flush()
    channels.deliverAll() // b still has 'B' to write
    expect(b.cache.peek('k')).toBe('B')
    await b.store.flush()
    channels.deliverAll()

    expect(await agreement('race-pending', 'k', a, b)).toEqual({
      disk: 'B',
      held: ['B', 'B'],
      persisted: [true, true],
    })
  })

  test('a commit heard while this tab writes the key is decided once that write is done', async () => {
    const gated = gatedWrites()
    const a = await tab('race-writing')
    const b = await tab('race-writing', 10, { createStore: gated.createStore })
    a.cache.set('k', 'A')
    b.cache.set('k', 'B')
    await a.store.flush()
    const { writing, release } = gated.hold()
    const flushed = b.store.flush()
    await writing
    channels.deliverAll() // 'A' committed first; b's write of 'B' commits after it
    expect(b.cache.peek('k')).toBe('B')
    release()
    await flushed
    await b.store.flush()
    channels.deliverAll()

    expect(await agreement('race-writing', 'k', a, b)).toEqual({
      disk: 'B',
      held: ['B', 'B'],
      persisted: [true, true],
    })
  })

  test('commits heard out of order: the later one wins', async () => {
    const a = await tab('race-order')
    const b = await tab('race-order')
    const c = await tab('race-order')
    a.cache.set('k', 1)
    await a.store.flush()
    b.cache.set('k', 2)
    await b.store.flush()
    channels.deliver(1) // b's commit reaches a and c first
    channels.deliver(0)

    expect(await agreement('race-order', 'k', a, b, c)).toEqual({
      disk: 2,
      held: [2, 2, 2],
      persisted: [true, true, true],
    })
  })

  test('an entry that arrives already expired removes the older value this tab held', async () => {
    const t = 1_000_000
    const a = await tab('arrives-expired', 10, {}, () => t)
    const b = await tab('arrives-expired', 10, {}, () => t + 100_000) // b's clock runs ahead
    b.cache.set('k', 'old', { ttl: null })
    await b.store.flush()
    channels.deliverAll()
    expect(a.cache.peek('k')).toBe('old')

    a.cache.set('k', 'short-lived', { ttl: 10 })
    await a.store.flush()
    channels.deliverAll()
    expect(b.cache.has('k')).toBe(false)
    expect(b.cache.inspect()).toEqual([])
  })
})

describe("one tab's local decisions leave other tabs' rows alone", () => {
  test('hydration does not delete an expired row another tab rewrote meanwhile', async () => {
    let t = 1_000_000
    const now = () => t
    const first = await tab('rewritten', 10, {}, now)
    first.cache.set('k', 'expiring', { ttl: 10 })
    await first.store.stop()

    t += 20_000
    const late = await tab('rewritten', 10, { tabs: false }, now) // plans to delete 'k'
    const other = await tab('rewritten', 10, { tabs: false }, now)
    other.cache.set('k', 'fresh', { ttl: 60 })
    await other.store.flush()
    await late.store.flush() // carries hydration's clean-up
    expect((await rows('rewritten')).get('vsk')).toMatchObject({ value: 'fresh' })
  })
})
