import { AsyncCache, makeHashable } from 'asynccache'
import { type PersistOptions, persist } from 'asynccache/persist'
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest'
import { freshIndexedDB, instrumented, manualTimers } from './persist-fixtures.js'

beforeEach(() => {
  freshIndexedDB()
})
afterEach(() => {
  vi.unstubAllGlobals()
})

/** A hydrated, persisted LRU cache whose timers run by hand. */
async function open(name: string, options: PersistOptions<unknown, unknown> = {}) {
  const cache = new AsyncCache<unknown, unknown>({ maxsize: 100, policy: 'LRU' })
  const store = persist(cache, { name, schedule: manualTimers().schedule, ...options })
  await store.ready
  return { cache, store }
}

/** What inspect() says of each entry's `persisted`, by key. */
function persisted(cache: AsyncCache<unknown, unknown>): Map<unknown, boolean | undefined> {
  return new Map(cache.inspect().map((entry) => [entry.key, entry.persisted]))
}

describe('inspect() says which entries are on disk', () => {
  test('a change is not persisted until its batch commits; a read keeps it persisted', async () => {
    let holding = false
    let entered!: () => void
    const writing = new Promise<void>((resolve) => {
      entered = resolve
    })
    let release!: () => void
    const gate = new Promise<void>((resolve) => {
      release = resolve
    })
    const { createStore } = instrumented((use) => (mode, callback) => {
      if (mode !== 'readwrite' || !holding) return use(mode, callback)
      entered()
      return gate.then(() => use(mode, callback))
    })
    const { cache, store } = await open('lifecycle', { createStore })
    cache.set('a', 1)
    expect(persisted(cache).get('a')).toBe(false)
    await store.flush()
    expect(persisted(cache).get('a')).toBe(true)

    cache.get('a') // only its metadata is pending: the value on disk is current
    expect(persisted(cache).get('a')).toBe(true)
    cache.set('a', 2)
    expect(persisted(cache).get('a')).toBe(false)

    holding = true
    const flushed = store.flush()
    await writing
    expect(persisted(cache).get('a')).toBe(false) // disk has 1 while its batch writes 2
    release()
    await flushed
    expect(persisted(cache).get('a')).toBe(true)
  })

  test('hydrated entries are persisted; one set before hydration ended is not, until flushed', async () => {
    const first = await open('hydrated')
    first.cache.set('a', 1)
    first.cache.set('b', 1)
    await first.store.stop()

    const cache = new AsyncCache<unknown, unknown>({ maxsize: 100, policy: 'LRU' })
    const store = persist(cache, { name: 'hydrated', schedule: manualTimers().schedule })
    cache.set('b', 2)
    await store.ready
    expect(persisted(cache)).toEqual(
      new Map([
        ['b', false],
        ['a', true],
      ]),
    )
    await store.flush()
    expect(persisted(cache).get('b')).toBe(true)
  })

  test('filtered, identity-keyed and uncloneable entries are not persisted', async () => {
    const { cache, store } = await open('memory-only', {
      filter: (key) => key !== 'secret',
    })
    const identity = makeHashable(new (class Session {})())
    cache.set('secret', 1)
    cache.set(identity, 2)
    cache.set('fn', () => 3)
    cache.set('plain', 4)
    await store.flush()
    expect(persisted(cache)).toEqual(
      new Map<unknown, boolean>([
        ['plain', true],
        ['fn', false],
        [identity, false],
        ['secret', false],
      ]),
    )
  })

  test('an entry whose batch failed is not persisted, even if an older copy may remain', async () => {
    let failing = false
    const { createStore } = instrumented(
      (use) => (mode, callback) =>
        use(mode, (store) => {
          if (mode !== 'readwrite' || !failing) return callback(store)
          store.transaction.abort()
          return Promise.reject(new DOMException('disk error', 'UnknownError'))
        }),
    )
    const { cache, store } = await open('failed', { createStore })
    cache.set('a', 1)
    await store.flush()
    expect(persisted(cache).get('a')).toBe(true)

    failing = true // the batch and its clean-up both fail: disk keeps the old value
    cache.set('a', 2)
    await store.flush()
    expect(persisted(cache).get('a')).toBe(false)
  })

  test('stop() removes the annotation', async () => {
    const { cache, store } = await open('stopped')
    cache.set('a', 1)
    await store.stop()
    const [entry] = cache.inspect()
    expect(entry).toBeDefined()
    expect(entry !== undefined && 'persisted' in entry).toBe(false)
  })
})
