import { promisifyRequest, type UseStore } from 'idb-keyval'
import type { AsyncCache } from '../cache.js'
import { describeError, isCloneError, isQuotaError, reportError } from './faults.js'
import {
  type DiskableKey,
  metaKey,
  metaRecord,
  type Version,
  valueKey,
  valueRecord,
} from './record.js'
import type { Schedule } from './schedule.js'

/** What a pending key needs written: its value (and metadata), its metadata only, or its removal. */
const PUT = 0
const TOUCH = 1
/** Removed by `delete`: other tabs follow. */
const DELETE = 2
/** Evicted (capacity or expiry): a local decision, so other tabs are not told. */
const DROP = 3
type Op = typeof PUT | typeof TOUCH | typeof DELETE | typeof DROP

/** An entry written by a committed batch, as other tabs receive it. */
export interface StoredEntry {
  key: DiskableKey
  value: unknown
  expiresAt: number | null
}

/** What one committed batch changed, for the tabs sharing the database. */
export interface Change {
  cleared: boolean
  deleted: DiskableKey[]
  stored: StoredEntry[]
}

/** What the write-behind queue works with. */
export interface WriteBehindContext {
  cache: AsyncCache<DiskableKey, unknown>
  store: UseStore
  version: Version
  /** Milliseconds from the first change to the write of its batch. */
  window: number
  schedule: Schedule
  /** The `filter` option: false keeps an entry in memory only. */
  keep(key: DiskableKey, value: unknown): boolean
  /** A batch reached disk. */
  committed(change: Change): void
}

interface Put extends StoredEntry {
  seq: number
  freq: number
}

interface Meta {
  key: DiskableKey
  seq: number
  freq: number
}

/** One flush window's worth of changes, each key once. */
interface Batch {
  clear: boolean
  /** Raw rows to delete (from hydration's clean-up). */
  rows: IDBValidKey[]
  deletes: DiskableKey[]
  /** The deletes other tabs should follow. */
  announced: DiskableKey[]
  puts: Put[]
  metas: Meta[]
}

interface CloneFailure {
  key: DiskableKey
  error: unknown
}

/** The share of the persisted entries given up, at least, when the quota is exceeded. */
const QUOTA_SHARE = 0.25

function drop(store: IDBObjectStore, key: DiskableKey): void {
  store.delete(valueKey(key))
  store.delete(metaKey(key))
}

function isEmpty(batch: Batch): boolean {
  const { clear, rows, deletes, puts, metas } = batch
  return !clear && rows.length + deletes.length + puts.length + metas.length === 0
}

/**
 * Mirrors cache changes to IndexedDB in batches: every change within a flush window goes into
 * one transaction, each key written once with its latest state. Each entry is written through
 * its own `put`, so a value that cannot be cloned stays in memory while the rest of the batch is
 * written (idb-keyval's `setMany` would stop at it).
 *
 * Batches run one after another, after `start`, so `flush()` resolving means every change made
 * before it was committed or reported. Nothing here ever rejects: failures become
 * `persist-error` events.
 */
export class WriteBehind {
  /** Keys this tab knows to be on disk: only they get metadata-only writes. */
  readonly onDisk = new Set<DiskableKey>()
  readonly #context: WriteBehindContext
  #pending = new Map<DiskableKey, Op>()
  /** Keys whose value the batch being written stores or removes (batches run one at a time). */
  #writing = new Set<DiskableKey>()
  #clear = false
  #rows: IDBValidKey[] = []
  #cancelTimer: (() => void) | null = null
  #chain: Promise<void>
  /** The last recency stamp handed out. */
  #seq = 0

  constructor(context: WriteBehindContext, start: Promise<unknown>) {
    this.#context = context
    this.#chain = start.then(
      () => {},
      () => {},
    )
  }

  /** The key was set: its value and metadata are written. */
  put(key: DiskableKey): void {
    this.#pending.delete(key)
    this.#queue(key, PUT)
  }

  /** The key was read: its recency and frequency are written, not its value. */
  touch(key: DiskableKey): void {
    const op = this.#pending.get(key)
    if (op === DELETE || op === DROP) return
    // Re-inserting keeps the queue in use order, which is the order recency stamps follow.
    this.#pending.delete(key)
    this.#queue(key, op ?? TOUCH)
  }

  /** The key left the cache; `announce` when other tabs should follow (an explicit delete). */
  remove(key: DiskableKey, announce: boolean): void {
    this.#pending.delete(key)
    this.#queue(key, announce ? DELETE : DROP)
  }

  /** The cache was cleared: earlier changes no longer matter. */
  clear(): void {
    this.#pending.clear()
    this.#rows = []
    this.#clear = true
    this.#arm()
  }

  /** Deletes raw rows with the next batch. */
  discard(rows: IDBValidKey[]): void {
    if (rows.length === 0) return
    this.#rows.push(...rows)
    this.#arm()
  }

  /**
   * Whether `key`'s current value is on disk: written by a committed batch (or found there),
   * and neither changed since nor being written now. A pending read changes no value. Keys that
   * never reach the disk (identity-keyed, filtered, uncloneable) are never in {@link onDisk}.
   */
  persisted(key: DiskableKey): boolean {
    return this.onDisk.has(key) && this.#pending.get(key) !== PUT && !this.#writing.has(key)
  }

  /** Continues recency stamps after `seq`, the highest found on disk. */
  continueAfter(seq: number): void {
    this.#seq = Math.max(this.#seq, seq)
  }

  /** Writes what is pending now; resolves once it and every earlier batch were committed or reported. */
  flush(): Promise<void> {
    this.#cancelTimer?.()
    this.#cancelTimer = null
    this.#chain = this.#chain.then(() => this.#write())
    return this.#chain
  }

  /** Forgets what is pending and stops the timer: storage is gone or the handle stopped. */
  cancel(): void {
    this.#cancelTimer?.()
    this.#cancelTimer = null
    this.#pending.clear()
    this.#rows = []
    this.#clear = false
  }

  #queue(key: DiskableKey, op: Op): void {
    this.#pending.set(key, op)
    this.#arm()
  }

  #arm(): void {
    if (this.#cancelTimer !== null) return
    this.#cancelTimer = this.#context.schedule(() => {
      this.#cancelTimer = null
      void this.flush()
    }, this.#context.window)
  }

  #nextSeq(): number {
    // Clock-based, so that tabs sharing the database stamp comparably; +1 keeps it strictly rising.
    this.#seq = Math.max(this.#seq + 1, this.#context.cache.now())
    return this.#seq
  }

  /** Turns the pending changes into a batch, reading values, expiries and frequencies from the cache. */
  #take(): Batch {
    const { cache } = this.#context
    const ops = this.#pending
    const batch: Batch = {
      clear: this.#clear,
      rows: this.#rows,
      deletes: [],
      announced: [],
      puts: [],
      metas: [],
    }
    this.#pending = new Map()
    this.#rows = []
    this.#clear = false
    const lfu = cache.policy === 'LFU'
    for (const [key, op] of ops) {
      if (op === DELETE || op === DROP) {
        batch.deletes.push(key)
        if (op === DELETE) batch.announced.push(key)
        continue
      }
      if (op === TOUCH && !this.onDisk.has(key)) continue
      if (op === TOUCH && !lfu) {
        batch.metas.push({ key, seq: this.#nextSeq(), freq: 1 })
        continue
      }
      const entry = cache.info(key)
      if (op === TOUCH) {
        if (entry !== undefined) {
          batch.metas.push({ key, seq: this.#nextSeq(), freq: entry.frequency ?? 1 })
        }
      } else if (entry === undefined || !this.#context.keep(key, entry.value)) {
        // Gone meanwhile, or not for disk: an older copy must not come back after a reload.
        batch.deletes.push(key)
      } else {
        const { value, expiresAt, frequency = 1 } = entry
        batch.puts.push({ key, value, expiresAt, seq: this.#nextSeq(), freq: frequency })
      }
    }
    return batch
  }

  async #write(): Promise<void> {
    const batch = this.#take()
    // Keys may all have dropped out (reads of memory-only entries): then no transaction at all.
    if (isEmpty(batch)) return
    this.#writing = new Set(batch.deletes)
    for (const { key } of batch.puts) this.#writing.add(key)
    try {
      await this.#commit(batch)
    } finally {
      this.#writing.clear()
    }
  }

  /** Writes a batch: retried once past a quota error, abandoned past any other. */
  async #commit(batch: Batch): Promise<void> {
    let victims: DiskableKey[] = []
    let failures: CloneFailure[]
    try {
      failures = await this.#transact(batch, victims)
    } catch (error) {
      if (!isQuotaError(error)) return this.#abandon(batch, error)
      victims = this.#coldest(batch)
      try {
        failures = await this.#transact(batch, victims)
      } catch (retryError) {
        return this.#abandon(batch, retryError)
      }
      this.#report(
        `${describeError(error)}; removed the ${victims.length} coldest entries from disk (they stay in memory) and retried`,
      )
    }
    this.#settle(batch, victims, failures)
  }

  /** One transaction for the whole batch. Re-runnable: a closed connection makes the store retry it. */
  #transact(batch: Batch, victims: DiskableKey[]): Promise<CloneFailure[]> {
    const { version } = this.#context
    return this.#context.store('readwrite', (store) => {
      const failures: CloneFailure[] = []
      try {
        if (batch.clear) store.clear()
        for (const row of batch.rows) store.delete(row)
        for (const key of batch.deletes) drop(store, key)
        for (const key of victims) drop(store, key)
        for (const { key, value, expiresAt, seq, freq } of batch.puts) {
          try {
            store.put(valueRecord(version, key, value, expiresAt, seq, freq), valueKey(key))
          } catch (error) {
            if (!isCloneError(error)) throw error
            failures.push({ key, error })
            drop(store, key)
          }
        }
        for (const { key, seq, freq } of batch.metas) {
          store.put(metaRecord(version, key, seq, freq), metaKey(key))
        }
      } catch (error) {
        // Requests already queued would otherwise commit: a batch is all or nothing.
        store.transaction.abort()
        throw error
      }
      return promisifyRequest(store.transaction).then(() => failures)
    })
  }

  /** The coldest persisted entries outside the batch, to give up when the quota is exceeded. */
  #coldest(batch: Batch): DiskableKey[] {
    const inBatch = new Set<DiskableKey>()
    for (const { key } of batch.puts) inBatch.add(key)
    for (const { key } of batch.metas) inBatch.add(key)
    const wanted = Math.max(batch.puts.length, Math.ceil(this.onDisk.size * QUOTA_SHARE))
    const victims: DiskableKey[] = []
    for (const { key } of this.#context.cache.dump()) {
      if (victims.length === wanted) break
      if (this.onDisk.has(key) && !inBatch.has(key)) victims.push(key)
    }
    return victims
  }

  #settle(batch: Batch, victims: DiskableKey[], failures: CloneFailure[]): void {
    const { onDisk } = this
    if (batch.clear) onDisk.clear()
    for (const key of batch.deletes) onDisk.delete(key)
    for (const key of victims) onDisk.delete(key)
    const failed = new Set<DiskableKey>()
    for (const { key, error } of failures) {
      failed.add(key)
      onDisk.delete(key)
      this.#report(`${describeError(error)}; the entry stays in memory only`, key)
    }
    const stored: StoredEntry[] = []
    for (const { key, value, expiresAt } of batch.puts) {
      if (failed.has(key)) continue
      onDisk.add(key)
      stored.push({ key, value, expiresAt })
    }
    const count = batch.deletes.length + batch.puts.length - failures.length + batch.metas.length
    this.#context.cache.publish({ type: 'persist-flushed', count })
    this.#context.committed({ cleared: batch.clear, deleted: batch.announced, stored })
  }

  /**
   * A batch could not be written: report it, then try to leave no stale copy of its entries
   * behind (a reload must not bring back a value older than the one in memory).
   */
  async #abandon(batch: Batch, error: unknown): Promise<void> {
    const count = batch.puts.length + batch.deletes.length + batch.metas.length
    this.#report(`${describeError(error)}; ${count} changes stay in memory only`)
    const deletes = [...batch.deletes, ...batch.puts.map(({ key }) => key)]
    // Whether or not the clean-up works, what is on disk for these keys is not what memory holds.
    if (batch.clear) this.onDisk.clear()
    for (const key of deletes) this.onDisk.delete(key)
    try {
      await this.#transact({ ...batch, deletes, puts: [], metas: [] }, [])
    } catch (cleanupError) {
      this.#report(`${describeError(cleanupError)}; stale copies may remain on disk`)
      return
    }
    this.#context.committed({ cleared: batch.clear, deleted: batch.announced, stored: [] })
  }

  #report(reason: string, ...key: [DiskableKey] | []): void {
    reportError(this.#context.cache, reason, ...key)
  }
}
