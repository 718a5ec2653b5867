import { AsyncCache } from 'asynccache'
import { type PersistOptions, persist, tabCoherence } from 'asynccache/persist'
import { set as rawSet } from 'idb-keyval'
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest'
import {
  database,
  freshIndexedDB,
  manualChannels,
  manualTimers,
  nextEvent,
  recorder,
  rows,
  WRITES_ROW,
} from './persist-fixtures.js'

// What a user, another version of the app, an extension or a damaged disk can hand the
// persistence layer: options, values, rows and messages it must not trust.

let t: number
const now = () => t

beforeEach(() => {
  freshIndexedDB()
  t = 1_000_000
})
afterEach(() => {
  vi.unstubAllGlobals()
  vi.useRealTimers()
})

type Policy = 'LRU' | 'LFU'

/** A cache on the test clock, persisted under `name`, once hydrated. */
async function open(
  name: string,
  policy: Policy = 'LRU',
  options: PersistOptions<unknown, unknown> = {},
) {
  const cache = new AsyncCache<unknown, unknown>({ maxsize: 10, policy, now })
  const errors = recorder(cache, 'persist-error')
  const store = persist(cache, { name, schedule: manualTimers().schedule, ...options })
  await store.ready
  return { cache, store, errors }
}

describe('numeric options', () => {
  const cache = () => new AsyncCache({ maxsize: 1, name: 'numbers' })

  test('NaN is refused for every number option, naming the option and what is allowed', () => {
    expect(() => persist(cache(), { version: Number.NaN })).toThrow(
      /persist: options.version must be a string or a finite number, got NaN/,
    )
    for (const option of ['flushWindow', 'hydrationWait'] as const) {
      expect(() => persist(cache(), { [option]: Number.NaN })).toThrow(RangeError)
      expect(() => persist(cache(), { [option]: Number.NaN })).toThrow(
        new RegExp(
          `persist: options.${option} must be a number of milliseconds from 0 to 2147483647, got NaN`,
        ),
      )
    }
  })

  test('delays that end in a timer are refused beyond 2^31 - 1 ms, where setTimeout would fire at once', () => {
    for (const option of ['flushWindow', 'hydrationWait'] as const) {
      for (const ms of [2 ** 31, 1e10, Number.POSITIVE_INFINITY]) {
        expect(() => persist(cache(), { [option]: ms })).toThrow(
          new RegExp(`options.${option} must be a number of milliseconds from 0 to 2147483647`),
        )
      }
    }
  })

  test('the longest delay allowed works: the flush window waits for it', async () => {
    const timers = manualTimers()
    const persisted = await open('longest', 'LRU', {
      flushWindow: 2 ** 31 - 1,
      schedule: timers.schedule,
    })
    persisted.cache.set('a', 1)
    expect(timers.waiting()).toEqual([2 ** 31 - 1])
  })

  test('a version of Infinity or -Infinity is refused too', () => {
    expect(() => persist(cache(), { version: Number.POSITIVE_INFINITY })).toThrow(RangeError)
    expect(() => persist(cache(), { version: Number.NEGATIVE_INFINITY })).toThrow(RangeError)
  })
})

describe('an explicit undefined option means its default', () => {
  test('every option given as undefined behaves as if it were left out', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    const cache = new AsyncCache<string, number>({ maxsize: 10, name: 'undefined-options', now })
    const store = persist(cache, {
      name: undefined,
      version: undefined,
      filter: undefined,
      flushWindow: undefined,
      hydrationWait: undefined,
      tabs: undefined,
      schedule: undefined,
      createStore: undefined,
    })
    await store.ready
    expect(store.status).toBe('ready')
    const flushed = nextEvent(cache, 'persist-flushed')
    cache.set('a', 1)
    await vi.advanceTimersByTimeAsync(99)
    expect((await rows('undefined-options')).size).toBe(0)
    await vi.advanceTimersByTimeAsync(1) // the default window: 100 ms
    await flushed
    expect((await rows('undefined-options')).get('vsa')).toMatchObject({ v: 1, value: 1 })
  })
})

describe('a value whose cloning throws', () => {
  test('a getter that throws: reported by key, the rest of the batch is written', async () => {
    const { cache, store, errors } = await open('getter')
    const trap = {
      get secret(): string {
        throw new Error('no access')
      },
    }
    cache.set('before', 1)
    cache.set('trap', trap)
    cache.set('after', 2)
    await store.flush()

    expect(errors).toMatchObject([{ key: 'trap', reason: expect.stringContaining('no access') }])
    expect(cache.peek('trap')).toBe(trap)
    expect([...(await rows('getter')).keys()].sort()).toEqual(['vsafter', 'vsbefore'])
    expect(cache.inspect().find((e) => e.key === 'trap')?.persisted).toBe(false)
    expect(store.status).toBe('ready')
  })

  test('an older copy of that key on disk is removed, so a reload does not bring it back', async () => {
    const { cache, store } = await open('getter-older')
    cache.set('k', 'old')
    await store.flush()
    cache.set('k', {
      get boom(): number {
        throw new TypeError('cannot read')
      },
    })
    await store.stop()
    expect((await rows('getter-older')).has('vsk')).toBe(false)
  })
})

/** The rows a first visit leaves: `a` to `d` set in order, then `a` read again. */
async function goodStore(name: string, policy: Policy = 'LRU') {
  const first = await open(name, policy)
  for (const key of ['a', 'b', 'c', 'd']) first.cache.set(key, key.toUpperCase())
  for (let i = 0; i < 3; i++) first.cache.get('a')
  first.cache.get('c')
  await first.store.stop()
  return database(name)
}

/** A value row as this release writes it, with `fields` overriding. */
function valueRow(key: string, fields: Record<string, unknown> = {}) {
  return { f: 1, v: 1, key, value: key, expiresAt: null, seq: 1, freq: 1, w: 1, ...fields }
}

describe('hydration checks every number read back from disk', () => {
  const damaged: [string, Record<string, unknown>][] = [
    ['a seq of 1e308', { seq: 1e308 }],
    ['a seq of NaN', { seq: Number.NaN }],
    ['a seq of Infinity', { seq: Number.POSITIVE_INFINITY }],
    ['a seq that is a string', { seq: '5' }],
    ['a frequency of -1', { freq: -1 }],
    ['a frequency of 2^60', { freq: 2 ** 60 }],
    ['a fractional frequency', { freq: 1.5 }],
    ['an expiresAt that is a string', { expiresAt: 'tomorrow' }],
    ['an expiresAt of NaN', { expiresAt: Number.NaN }],
    ['a write count of NaN', { w: Number.NaN }],
    ['a write count of 1e308', { w: 1e308 }],
    ['a write count of -1', { w: -1 }],
    ['a write count later than the store has made', { w: 1_000 }],
    ['a version of NaN', { v: Number.NaN }],
  ]

  for (const policy of ['LRU', 'LFU'] as const) {
    test.each(damaged)(
      `${policy}: a row with %s is malformed: dropped, and the good rows rank and stay as without it`,
      async (_, fields) => {
        const name = `damaged-${policy}`
        await goodStore(name, policy)
        const clean = await open(name, policy)
        const expected = clean.cache.inspect().map((e) => [e.key, e.frequency])
        await clean.store.stop()

        await rawSet('vsbad', valueRow('bad', { seq: 2e12, freq: 50, ...fields }), database(name))
        const { cache, store, errors } = await open(name, policy)
        expect(cache.inspect().map((e) => [e.key, e.frequency])).toEqual(expected)
        expect(errors).toMatchObject([{ reason: expect.stringContaining('1 malformed records') }])
        await store.flush()
        expect((await rows(name)).has('vsbad')).toBe(false)
      },
    )
  }

  test('a metadata row with a damaged stamp does not change the state of its good value row', async () => {
    await goodStore('damaged-meta', 'LFU')
    const clean = await open('damaged-meta', 'LFU')
    const expected = clean.cache.inspect().map((e) => [e.key, e.frequency])
    await clean.store.stop()
    const meta = { f: 1, v: 1, key: 'd', seq: 1e308, freq: 1_000, w: 1 }
    await rawSet('msd', meta, database('damaged-meta'))

    const { cache } = await open('damaged-meta', 'LFU')
    expect(cache.inspect().map((e) => [e.key, e.frequency])).toEqual(expected)
  })

  test('after a damaged stamp, new stamps still order later uses on the next visit', async () => {
    await goodStore('damaged-next')
    await rawSet('vsbad', valueRow('bad', { seq: 1e308 }), database('damaged-next'))
    const second = await open('damaged-next')
    t += 1_000
    second.cache.set('x', 'X')
    second.cache.set('y', 'Y')
    second.cache.get('b')
    await second.store.stop()

    const third = await open('damaged-next')
    expect([...third.cache.keys()]).toEqual(['b', 'y', 'x', 'c', 'a', 'd'])
  })

  test('a damaged row is removed even when its own write count is damaged', async () => {
    await goodStore('damaged-w')
    await rawSet('vsjunk', { w: Number.NaN, junk: true }, database('damaged-w'))
    const { store } = await open('damaged-w')
    await store.flush()
    expect((await rows('damaged-w')).has('vsjunk')).toBe(false)
  })

  test('a damaged count of writes loses no good row, and later writes count on from the rows', async () => {
    await goodStore('damaged-count')
    const db = database('damaged-count')
    const before = (await rows('damaged-count')).get('vsa')?.w as number
    await rawSet(WRITES_ROW, { f: 1, writes: Number.NaN }, db)
    const { cache, store, errors } = await open('damaged-count')
    expect([...cache.keys()].sort()).toEqual(['a', 'b', 'c', 'd'])
    expect(errors).toMatchObject([{ reason: expect.stringContaining('1 malformed records') }])
    cache.set('e', 'E')
    await store.flush()
    expect((await rows('damaged-count')).get('vse')?.w).toBeGreaterThan(before)
  })
})

describe("the cache's own clock", () => {
  test('a clock that returns NaN still gives rows a valid stamp, in order', async () => {
    let broken = true
    const cache = new AsyncCache<string, string>({
      maxsize: 10,
      policy: 'LRU',
      now: () => (broken ? Number.NaN : t),
    })
    const store = persist(cache, { name: 'nan-clock', schedule: manualTimers().schedule })
    await store.ready
    for (const key of ['a', 'b', 'c']) cache.set(key, key)
    cache.get('a')
    await store.stop()

    broken = false
    const { cache: again, errors } = await open('nan-clock')
    expect(errors).toEqual([])
    expect([...again.keys()]).toEqual(['a', 'c', 'b'])
  })
})

describe('messages from other tabs are checked like rows', () => {
  test('an entry with a damaged expiry is skipped; the rest of the change is applied', async () => {
    const channels = manualChannels()
    const { cache } = await open('forged', 'LRU', { tabs: tabCoherence() })
    const forger = new BroadcastChannel('asynccache:forged')
    forger.postMessage({
      v: 1,
      change: {
        at: 5,
        cleared: false,
        deleted: [],
        stored: [
          { key: 'bad', value: 1, expiresAt: 'soon' },
          { key: 'worse', value: 1, expiresAt: Number.NaN },
          { key: { not: 'a key' }, value: 1, expiresAt: null },
          { key: 'good', value: 2, expiresAt: null },
        ],
      },
    })
    expect(() => channels.deliverAll()).not.toThrow()
    expect([...cache.entries()]).toEqual([['good', 2]])
  })

  test('a change whose value no longer clones when announced: the other tabs drop their older copy', async () => {
    const channels = manualChannels()
    const a = await open('announce', 'LRU', { tabs: tabCoherence() })
    const b = await open('announce', 'LRU', { tabs: tabCoherence() })
    a.cache.set('k', 'old')
    await a.store.flush()
    channels.deliverAll()
    expect(b.cache.peek('k')).toBe('old')

    // Cloned once for the disk; by the time it is announced, the value has changed under it.
    let clones = 0
    a.cache.set('k', {
      get part(): number {
        if (++clones > 1) throw new Error('changed since')
        return 1
      },
    })
    await a.store.flush()
    channels.deliverAll()
    expect(b.cache.has('k')).toBe(false)
    expect(a.errors).toMatchObject([{ reason: expect.stringContaining('without its values') }])
  })
})
