import { AsyncCache } from 'asynccache'
import { type PersistOptions, persist } from 'asynccache/persist'
import { IDBFactory } from 'fake-indexeddb'
import type { UseStore } from 'idb-keyval'
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest'
import {
  freshIndexedDB,
  instrumented,
  manualTimers,
  recorder,
  rowQuota,
  rows,
} from './persist-fixtures.js'

beforeEach(() => {
  freshIndexedDB()
})
afterEach(() => {
  vi.unstubAllGlobals()
})

/** A persisted LRU cache with hand-run timers, recording its persist errors, not yet hydrated. */
function start(name: string, options: PersistOptions<unknown, unknown> = {}) {
  const cache = new AsyncCache<unknown, unknown>({ maxsize: 100, policy: 'LRU' })
  const errors = recorder(cache, 'persist-error')
  const store = persist(cache, { name, schedule: manualTimers().schedule, ...options })
  return { cache, store, errors }
}

describe('values that cannot be cloned', () => {
  test('stay in memory, are reported by key, and the rest of the batch is written', async () => {
    const { cache, store, errors } = start('clone')
    await store.ready
    cache.set('fn', 'clonable at first')
    await store.flush()

    const fn = () => 1
    cache.set('before', 1)
    cache.set('fn', fn)
    cache.set('after', 2)
    await store.flush()

    expect(errors).toMatchObject([{ key: 'fn', reason: expect.stringContaining('DataCloneError') }])
    expect(cache.peek('fn')).toBe(fn)
    const disk = await rows('clone')
    expect([...disk.keys()].sort()).toEqual(['vsafter', 'vsbefore'])
  })

  test('reads of a memory-only entry write nothing', async () => {
    const { log, createStore } = instrumented()
    const { cache, store } = start('clone-reads', { createStore })
    await store.ready
    cache.set('fn', () => 1)
    await store.flush()
    const before = log.transactions
    cache.get('fn')
    await store.flush()
    expect(log.transactions).toBe(before)
  })
})

describe('QuotaExceededError', () => {
  test('the coldest persisted entries leave the disk, and the batch is retried once', async () => {
    const limit = { rows: 100 }
    const { createStore } = instrumented(rowQuota(limit))
    const { cache, store, errors } = start('quota', { createStore })
    await store.ready
    for (const key of ['a', 'b', 'c', 'd']) cache.set(key, key)
    await store.flush()
    cache.get('a') // 'b' and 'c' are now the coldest
    await store.flush()

    limit.rows = 6 // 5 rows now: four values and the metadata of 'a'
    cache.set('e', 'e')
    cache.set('f', 'f')
    await store.flush()

    expect(errors).toMatchObject([{ reason: expect.stringContaining('QuotaExceededError') }])
    expect([...(await rows('quota')).keys()].sort()).toEqual(['msa', 'vsa', 'vsd', 'vse', 'vsf'])
    expect(new Set(cache.keys())).toEqual(new Set(['a', 'b', 'c', 'd', 'e', 'f']))
  })

  test('still over quota after the retry: reported, memory untouched, no stale copy left behind', async () => {
    const limit = { rows: 100 }
    const { createStore } = instrumented(rowQuota(limit))
    const { cache, store, errors } = start('quota-full', { createStore })
    await store.ready
    cache.set('a', 'old')
    cache.set('b', 'b')
    await store.flush()

    limit.rows = 2
    cache.set('a', 'new')
    for (const key of ['c', 'd', 'e']) cache.set(key, key)
    await store.flush()

    expect(errors.map((e) => e.type === 'persist-error' && e.reason)).toEqual([
      expect.stringMatching(/QuotaExceededError.*4 changes stay in memory only/),
    ])
    expect(cache.peek('a')).toBe('new')
    expect(cache.size).toBe(5)
    // The older 'a' is gone from disk, so a reload cannot bring it back; 'b' was current and stays.
    expect([...(await rows('quota-full')).keys()]).toEqual(['vsb'])
  })
})

describe('a closed connection', () => {
  test('is reopened and the batch retried once, without an error', async () => {
    const { log, createStore } = instrumented()
    const { cache, store, errors } = start('closing', { createStore })
    await store.ready
    cache.set('a', 1)
    await store.flush()
    for (const connection of log.connections) connection.close()

    cache.set('b', 2)
    await store.flush()
    expect(errors).toEqual([])
    expect(log.connections).toHaveLength(2)
    expect([...(await rows('closing')).keys()].sort()).toEqual(['vsa', 'vsb'])
  })

  test('a deleteDatabase elsewhere is not blocked, and the next batch opens a fresh database', async () => {
    const factory = freshIndexedDB()
    const { cache, store, errors } = start('deleted')
    await store.ready
    cache.set('a', 1)
    await store.flush()
    await new Promise((resolve, reject) => {
      const request = factory.deleteDatabase('asynccache:deleted')
      request.onsuccess = resolve
      request.onblocked = () => reject(new Error('blocked by an open connection'))
    })

    cache.set('b', 2)
    await store.flush()
    expect(errors).toEqual([])
    expect([...(await rows('deleted')).keys()]).toEqual(['vsb'])
  })

  test('other write failures are reported and later batches still work', async () => {
    let failNext = false
    const { createStore } = instrumented(
      (use) => (mode, callback) =>
        use(mode, (store) => {
          if (mode === 'readwrite' && failNext) {
            failNext = false
            store.transaction.abort()
            return Promise.reject(new DOMException('disk error', 'UnknownError'))
          }
          return callback(store)
        }),
    )
    const { cache, store, errors } = start('unknown', { createStore })
    await store.ready
    failNext = true
    cache.set('a', 1)
    await store.flush()
    expect(errors).toMatchObject([{ reason: expect.stringContaining('UnknownError: disk error') }])

    cache.set('b', 2)
    await store.flush()
    expect(cache.peek('a')).toBe(1)
    expect([...(await rows('unknown')).keys()]).toEqual(['vsb'])
  })
})

describe('IndexedDB missing or refused', () => {
  async function expectMemoryOnly(name: string, status: 'unavailable' | 'failed', reason: RegExp) {
    const { cache, store, errors } = start(name)
    await store.ready
    expect(store.status).toBe(status)
    expect(errors).toHaveLength(1)
    expect(errors[0]).toMatchObject({ reason: expect.stringMatching(reason) })
    cache.set('a', 1)
    expect(cache.get('a')).toBe(1)
    await store.flush()
    await store.clear()
    await store.stop()
    expect(errors).toHaveLength(1)
  }

  test('no indexedDB at all: unavailable, memory only, one event', async () => {
    vi.stubGlobal('indexedDB', undefined)
    await expectMemoryOnly('missing', 'unavailable', /IndexedDB could not be opened/)
  })

  test('open refused with a SecurityError: unavailable', async () => {
    vi.stubGlobal('indexedDB', {
      open() {
        throw new DOMException('access denied', 'SecurityError')
      },
    })
    await expectMemoryOnly('refused', 'unavailable', /SecurityError: access denied/)
  })

  test('a database of that name without our object store: unavailable', async () => {
    const factory = new IDBFactory()
    vi.stubGlobal('indexedDB', factory)
    await new Promise<void>((resolve) => {
      const request = factory.open('asynccache:foreign')
      request.onupgradeneeded = () => request.result.createObjectStore('something-else')
      request.onsuccess = () => {
        request.result.close()
        resolve()
      }
    })
    await expectMemoryOnly('foreign', 'unavailable', /NotFoundError/)
  })

  test('the store opens but cannot be read at all: failed', async () => {
    const reads = new Set(['getAll', 'getAllKeys', 'openCursor', 'openKeyCursor'])
    const { createStore } = instrumented(failing((property) => reads.has(property)))
    const { cache, store, errors } = start('unreadable', { createStore })
    await store.ready
    expect(store.status).toBe('failed')
    expect(errors).toMatchObject([{ reason: expect.stringContaining('read failed') }])
    cache.set('a', 1)
    expect(cache.get('a')).toBe(1)
  })

  test('one unreadable row: the others come back, it is removed, one error says so', async () => {
    const first = start('poisoned')
    await first.store.ready
    for (const key of ['a', 'bad', 'c']) first.cache.set(key, key)
    await first.store.stop()

    // As a browser does with a row that no longer deserializes: reading all rows fails too.
    const { createStore } = instrumented(
      failing(
        (property, args) => property === 'getAll' || (property === 'get' && args[0] === 'vsbad'),
      ),
    )
    const { cache, store, errors } = start('poisoned', { createStore })
    await store.ready
    expect(store.status).toBe('ready')
    expect(new Map(cache.entries())).toEqual(
      new Map([
        ['a', 'a'],
        ['c', 'c'],
      ]),
    )
    expect(errors).toMatchObject([{ reason: expect.stringMatching(/row by row.*1 unreadable/) }])
    await store.flush()
    expect([...(await rows('poisoned')).keys()].sort()).toEqual(['vsa', 'vsc'])
  })

  test('clear() when the store could not be read still empties it', async () => {
    const first = start('clear-failed')
    await first.store.ready
    first.cache.set('a', 1)
    await first.store.stop()

    const reads = new Set(['getAll', 'getAllKeys', 'openCursor', 'openKeyCursor'])
    const { createStore } = instrumented(failing((property) => reads.has(property)))
    const { cache, store } = start('clear-failed', { createStore })
    await store.ready
    expect(store.status).toBe('failed')
    await store.clear()
    expect(cache.size).toBe(0)
    expect((await rows('clear-failed')).size).toBe(0)
  })
})

/** Wraps each store so that the calls `fails` picks throw a DOMException, as a failing read does. */
function failing(fails: (property: string, args: unknown[]) => boolean) {
  return (use: UseStore): UseStore =>
    (mode, callback) =>
      use(mode, (store) =>
        callback(
          new Proxy(store, {
            get(target, property) {
              const value = Reflect.get(target, property, target)
              if (typeof value !== 'function') return value
              return (...args: unknown[]) => {
                if (fails(String(property), args)) {
                  throw new DOMException('read failed', 'UnknownError')
                }
                return value.apply(target, args)
              }
            },
          }),
        ),
      )
}

describe('after stop()', () => {
  test('flush() resolves at once and opens no connection', async () => {
    const { log, createStore } = instrumented()
    const { cache, store } = start('stopped-flush', { createStore })
    await store.ready
    cache.set('a', 1)
    await store.stop()
    const connections = log.connections.length
    await store.flush()
    expect(log.connections).toHaveLength(connections)
  })

  test('clear() empties the disk too', async () => {
    const { cache, store } = start('stopped-clear')
    await store.ready
    cache.set('a', 1)
    await store.stop()
    await store.clear()
    expect(cache.size).toBe(0)
    expect((await rows('stopped-clear')).size).toBe(0)
  })
})

describe('a failed batch whose clean-up fails too', () => {
  test('its deletes and clear go with the next batch, so deleted values do not come back', async () => {
    let failures = 0
    const { createStore } = instrumented(
      (use) => (mode, callback) =>
        use(mode, (store) => {
          if (mode === 'readwrite' && failures > 0) {
            failures--
            store.transaction.abort()
            return Promise.reject(new DOMException('disk error', 'UnknownError'))
          }
          return callback(store)
        }),
    )
    const { cache, store, errors } = start('requeue', { createStore })
    await store.ready
    for (const key of ['a', 'b', 'c']) cache.set(key, key)
    await store.flush()

    failures = 2 // the batch, then its clean-up
    cache.delete('a')
    await store.flush()
    expect(errors).toHaveLength(2)
    expect((await rows('requeue')).has('vsa')).toBe(true)
    await store.flush()
    expect((await rows('requeue')).has('vsa')).toBe(false)

    failures = 2
    await store.clear()
    expect(errors).toHaveLength(4)
    cache.set('d', 'd')
    await store.flush()
    expect([...(await rows('requeue')).keys()]).toEqual(['vsd'])
  })
})

describe('a filter that throws', () => {
  test('is reported, and the entry stays in memory only', async () => {
    const { cache, store, errors } = start('filter-throws', {
      filter: () => {
        throw new Error('boom')
      },
    })
    await store.ready
    cache.set('a', 1)
    await store.flush()
    expect(errors).toMatchObject([{ key: 'a', reason: expect.stringContaining('boom') }])
    expect(cache.peek('a')).toBe(1)
    expect((await rows('filter-throws')).size).toBe(0)
  })
})
