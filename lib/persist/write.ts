import { promisifyRequest, type UseStore } from 'idb-keyval'
import type { HashKey } from '../index.js'
import type { Discard } from './hydrate.js'
import {
  FORMAT,
  type MetaRecord,
  metaKey,
  readWrites,
  type ValueRecord,
  type Version,
  valueKey,
  WRITES_KEY,
  writtenBy,
} from './record.js'

/** An entry to store whole: value, expiry and policy state. */
export interface Put {
  key: HashKey
  value: unknown
  expiresAt: number | null
  seq: number
  freq: number
}

/** An entry whose policy state alone changed (it was read). */
export interface Meta {
  key: HashKey
  seq: number
  freq: number
}

/** What one transaction writes, each key once. */
export interface Batch {
  /** Empty the store first. */
  clear: boolean
  /** Raw rows to delete (from hydration's clean-up), if no tab rewrote them meanwhile. */
  rows: Discard[]
  deletes: HashKey[]
  puts: Put[]
  metas: Meta[]
}

/** A value that could not be stored (it cannot be cloned, or cloning it threw). */
export interface Failure {
  key: HashKey
  error: unknown
}

/** What a committed transaction did: which write it was, and the values it could not store. */
export interface Written {
  at: number
  failures: Failure[]
}

function drop(store: IDBObjectStore, key: HashKey): void {
  store.delete(valueKey(key))
  store.delete(metaKey(key))
}

/**
 * Calls `read` as each request settles (`ok` false for one that failed, which then aborts
 * nothing), then `done` once all have.
 */
function afterAll(
  requests: IDBRequest[],
  read: (request: IDBRequest, ok: boolean) => void,
  done: () => void,
): void {
  let left = requests.length
  const settle = (request: IDBRequest, ok: boolean) => {
    read(request, ok)
    if (--left === 0) done()
  }
  for (const request of requests) {
    request.onsuccess = () => settle(request, true)
    request.onerror = (event) => {
      // An unreadable row is the one thing a read may fail for: it is to be deleted anyway.
      event.preventDefault()
      settle(request, false)
    }
  }
}

/** Queues the writes of `batch` as write transaction `at`. */
function put(
  store: IDBObjectStore,
  batch: Batch,
  version: Version,
  doomed: IDBValidKey[],
  at: number,
): Written {
  const failures: Failure[] = []
  if (batch.clear) store.clear()
  store.put({ f: FORMAT, writes: at }, WRITES_KEY)
  for (const row of doomed) store.delete(row)
  for (const key of batch.deletes) drop(store, key)
  for (const { key, value, expiresAt, seq, freq } of batch.puts) {
    try {
      const record: ValueRecord = { f: FORMAT, v: version, key, value, expiresAt, seq, freq, w: at }
      store.put(record, valueKey(key))
    } catch (error) {
      // Cloning this value failed (a DataCloneError, or a getter that threw), or the
      // transaction did: then the drop throws too, and the batch is abandoned whole.
      drop(store, key)
      failures.push({ key, error })
    }
  }
  for (const { key, seq, freq } of batch.metas) {
    const record: MetaRecord = { f: FORMAT, v: version, key, seq, freq, w: at }
    store.put(record, metaKey(key))
  }
  return { at, failures }
}

/**
 * Writes `batch` to `store` in one transaction, in idb-keyval's style: it reads the count of
 * writes and the rows to discard, then writes, as write number count + 1 (counting on from
 * `after` instead when the count is damaged or behind it). Each value goes
 * through its own `put`, so one that cannot be stored is reported in `failures` while the rest
 * is written (idb-keyval's `setMany` would stop at it). Otherwise all or nothing; rejects with
 * the transaction's error. Re-runnable: a closed connection makes a reopening store retry it.
 */
export function writeBatch(
  store: UseStore,
  batch: Batch,
  version: Version,
  after = 0,
): Promise<Written> {
  return store('readwrite', (objectStore) => {
    let written: Written | undefined
    let thrown: unknown
    const counter = objectStore.get(WRITES_KEY)
    const doomed: IDBValidKey[] = []
    const checks = new Map<IDBRequest, Discard>()
    for (const discard of batch.rows) {
      try {
        checks.set(objectStore.get(discard.row), discard)
      } catch {
        doomed.push(discard.row) // unreadable: nothing to keep
      }
    }
    afterAll(
      [counter, ...checks.keys()],
      (request, ok) => {
        if (request === counter) {
          if (ok) return
          thrown = counter.error
          objectStore.transaction.abort()
        }
        const discard = checks.get(request)
        // Rewritten by another tab since it was read: that tab's entry stays.
        if (discard !== undefined && (!ok || writtenBy(request.result) === discard.written)) {
          doomed.push(discard.row)
        }
      },
      () => {
        if (thrown !== undefined) return
        try {
          const at = Math.max(readWrites(counter.result) ?? 0, after) + 1
          written = put(objectStore, batch, version, doomed, at)
        } catch (error) {
          thrown = error
          // Requests already queued would otherwise commit: a batch is all or nothing.
          objectStore.transaction.abort()
        }
      },
    )
    return promisifyRequest(objectStore.transaction).then(
      () => written as Written,
      (error: unknown) => {
        throw thrown ?? error
      },
    )
  })
}
