/**
 * Shared by the persist unit tests: a fresh fake IndexedDB per test, manual timers, a way to read
 * the raw rows, and store factories that count transactions or inject faults.
 */
import type { AsyncCache, CacheEvent } from 'asynccache'
import type { Schedule, StoreFactory } from 'asynccache/persist'
import { IDBFactory } from 'fake-indexeddb'
import { createStore, entries, type UseStore } from 'idb-keyval'
import { vi } from 'vitest'

/** Installs an empty fake IndexedDB as the global idb-keyval opens. */
export function freshIndexedDB(): IDBFactory {
  const factory = new IDBFactory()
  vi.stubGlobal('indexedDB', factory)
  return factory
}

/** The database `persist()` uses for `name`. */
export function database(name: string): UseStore {
  return createStore(`asynccache:${name}`, 'entries')
}

/** The IndexedDB key of the row counting write transactions, which every write batch bumps. */
export const WRITES_ROW = 'w'

/** The raw entry rows stored for `name`, by IndexedDB key (without the count of writes). */
export async function rows(name: string): Promise<Map<IDBValidKey, Record<string, unknown>>> {
  return new Map((await entries(database(name))).filter(([key]) => key !== WRITES_ROW))
}

/** Timers run by hand: nothing fires unless the test says so. */
export function manualTimers() {
  const queue: { callback: () => void; ms: number; cancelled: boolean }[] = []
  const schedule: Schedule = (callback, ms) => {
    const timer = { callback, ms, cancelled: false }
    queue.push(timer)
    return () => {
      timer.cancelled = true
    }
  }
  return {
    schedule,
    /** Delays of the timers still waiting. */
    waiting: () => queue.filter((t) => !t.cancelled).map((t) => t.ms),
    /** Fires every waiting timer. */
    fire() {
      for (const timer of queue.splice(0)) if (!timer.cancelled) timer.callback()
    },
  }
}

/** What an instrumented store saw. */
export interface StoreLog {
  /** Readwrite transactions that reached the object store. */
  transactions: number
  /** IndexedDB keys of every entry `put`, in order (not those of the count of writes). */
  puts: IDBValidKey[]
  /** The connections opened, so a test can close them under the store. */
  connections: IDBDatabase[]
}

function logging(store: IDBObjectStore, log: StoreLog): IDBObjectStore {
  return new Proxy(store, {
    get(target, property) {
      if (property === 'put') {
        return (value: unknown, key: IDBValidKey) => {
          const request = target.put(value, key)
          if (key !== WRITES_ROW) log.puts.push(key)
          return request
        }
      }
      const value = Reflect.get(target, property, target)
      return typeof value === 'function' ? value.bind(target) : value
    },
  })
}

/**
 * A store factory that logs transactions, puts and connections; `wrap` may change each store
 * call to inject a fault.
 */
export function instrumented(wrap?: (use: UseStore) => UseStore): {
  log: StoreLog
  createStore: StoreFactory
} {
  const log: StoreLog = { transactions: 0, puts: [], connections: [] }
  const factory: StoreFactory = (dbName, storeName) => {
    const inner = createStore(dbName, storeName)
    const logged: UseStore = (mode, callback) =>
      inner(mode, (store) => {
        if (!log.connections.includes(store.transaction.db)) {
          log.connections.push(store.transaction.db)
        }
        if (mode === 'readwrite') log.transactions++
        return callback(logging(store, log))
      })
    return wrap === undefined ? logged : wrap(logged)
  }
  return { log, createStore: factory }
}

/**
 * A store whose origin holds at most `limit` rows: a readwrite transaction that would leave more
 * aborts with QuotaExceededError, as a browser's does when the quota is used up. Rows are counted
 * after each `put`, which is what makes a store grow.
 */
export function rowQuota(limit: { rows: number }): (use: UseStore) => UseStore {
  return (use) => (mode, callback) => {
    if (mode !== 'readwrite') return use(mode, callback)
    let over = false
    return use(mode, async (store) => {
      const counted = new Proxy(store, {
        get(target, property) {
          if (property === 'put') {
            return (value: unknown, key: IDBValidKey) => {
              const request = target.put(value, key)
              request.addEventListener('success', () => {
                const count = target.count()
                count.onsuccess = () => {
                  if (over || count.result <= limit.rows) return
                  over = true
                  target.transaction.abort()
                }
              })
              return request
            }
          }
          const value = Reflect.get(target, property, target)
          return typeof value === 'function' ? value.bind(target) : value
        },
      })
      try {
        return await callback(counted)
      } catch (error) {
        throw over ? new DOMException('The quota has been exceeded.', 'QuotaExceededError') : error
      }
    })
  }
}

/** Collects the events of `types` that `cache` publishes. */
export function recorder<K, V>(cache: AsyncCache<K, V>, ...types: CacheEvent['type'][]) {
  const seen: CacheEvent<K, V>[] = []
  cache.subscribe((event) => {
    if (types.includes(event.type)) seen.push(event)
  })
  return seen
}

/** Resolves with the next event of `type` on `cache`. */
export function nextEvent<K, V>(
  cache: AsyncCache<K, V>,
  type: CacheEvent['type'],
): Promise<CacheEvent<K, V>> {
  return new Promise((resolve) => {
    const unsubscribe = cache.subscribe((event) => {
      if (event.type !== type) return
      unsubscribe()
      resolve(event)
    })
  })
}

/**
 * Replaces BroadcastChannel with one whose messages wait, in order, until the test delivers
 * them: so a test decides when each tab hears of another's commit.
 */
export function manualChannels() {
  const open = new Set<ManualChannel>()
  const queue: { from: ManualChannel; data: unknown }[] = []
  class ManualChannel {
    onmessage: ((event: MessageEvent) => void) | null = null
    constructor(readonly name: string) {
      open.add(this)
    }
    postMessage(data: unknown) {
      queue.push({ from: this, data: structuredClone(data) })
    }
    close() {
      open.delete(this)
    }
  }
  vi.stubGlobal('BroadcastChannel', ManualChannel)
  const send = ({ from, data }: { from: ManualChannel; data: unknown }) => {
    for (const channel of [...open]) {
      if (channel !== from && channel.name === from.name) {
        channel.onmessage?.(new MessageEvent('message', { data }))
      }
    }
  }
  return {
    /** How many messages wait. */
    waiting: () => queue.length,
    /** Delivers the `i`th waiting message (0: the oldest) to every other channel of its name. */
    deliver(i: number) {
      send(queue.splice(i, 1)[0])
    },
    /** Delivers every waiting message, oldest first. */
    deliverAll() {
      for (const message of queue.splice(0)) send(message)
    },
  }
}

/** A store factory whose readwrite transactions wait while `hold` is on, until released. */
export function gatedWrites() {
  let entered: () => void = () => {}
  let release: () => void = () => {}
  let gate: Promise<void> | null = null
  const { log, createStore } = instrumented((use) => (mode, callback) => {
    if (mode !== 'readwrite' || gate === null) return use(mode, callback)
    entered()
    return gate.then(() => use(mode, callback))
  })
  return {
    log,
    createStore,
    /** Holds the next readwrite transactions; resolves `writing` once one waits. */
    hold(): { writing: Promise<void>; release: () => void } {
      const writing = new Promise<void>((resolve) => {
        entered = resolve
      })
      gate = new Promise<void>((resolve) => {
        release = () => {
          gate = null
          resolve()
        }
      })
      return { writing, release: () => release() }
    },
  }
}
