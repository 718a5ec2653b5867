import { AsyncCache } from 'asynccache'
import { type PersistOptions, persist } from 'asynccache/persist'
import { IDBFactory } from 'fake-indexeddb'
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

  test('the store opens but cannot be read: failed', async () => {
    const { createStore } = instrumented(
      (use) => (mode, callback) =>
        use(mode, (store) =>
          callback(
            new Proxy(store, {
              get(target, property) {
                if (property === 'getAll') {
                  return () => {
                    throw new DOMException('read failed', 'UnknownError')
                  }
                }
                const value = Reflect.get(target, property, target)
                return typeof value === 'function' ? value.bind(target) : value
              },
            }),
          ),
        ),
    )
    const { cache, store, errors } = start('unreadable', { createStore })
    await store.ready
    expect(store.status).toBe('failed')
    expect(errors).toMatchObject([{ reason: expect.stringContaining('read failed') }])
    cache.set('a', 1)
    expect(cache.get('a')).toBe(1)
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
