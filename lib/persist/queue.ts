import type { UseStore } from 'idb-keyval'
import type { AsyncCache, HashKey } from '../index.js'
import { describeError, isQuotaError, reportError } from './faults.js'
import type { Discard } from './hydrate.js'
import type { Version } from './record.js'
import type { Schedule } from './schedule.js'
import { type Batch, type Written, writeBatch } from './write.js'

/** What a pending key needs written: its value (and metadata), its metadata only, or its removal. */
const PUT = 0
const TOUCH = 1
/** Removed by `delete`: other tabs follow. */
const DELETE = 2
/**
 * Evicted before its new value was written: the older copy on disk is this tab's to remove, and
 * a local decision, so other tabs are not told.
 */
const DROP = 3
type Op = typeof PUT | typeof TOUCH | typeof DELETE | typeof DROP

/** An entry a committed batch stored. */
export interface StoredEntry {
  key: HashKey
  value: unknown
  expiresAt: number | null
}

/** What one committed write did, for cross-tab coherence. */
export interface Commit {
  /** The write transaction: a higher one committed later. */
  at: number
  cleared: boolean
  /** Every key whose rows it stored or removed. */
  keys: HashKey[]
  /** The keys deleted (not merely dropped from disk): other tabs follow. */
  deleted: HashKey[]
  stored: StoredEntry[]
}

/** What the write queue works with. */
export interface QueueContext {
  cache: AsyncCache<HashKey, unknown>
  store: UseStore
  version: Version
  /** Milliseconds from the first change to the write of its batch. */
  window: number
  schedule: Schedule
  /** The `filter` option: false keeps an entry in memory only. */
  keep(key: HashKey, value: unknown): boolean
  /** A write committed. */
  committed?(commit: Commit): void
}

/** A batch as the queue built it: what it writes, and which of its deletes other tabs follow. */
interface Pending extends Batch {
  announced: HashKey[]
}

/** The share of the persisted entries given up, at least, when the quota is exceeded. */
const QUOTA_SHARE = 0.25

function isEmpty({ clear, rows, deletes, puts, metas }: Batch): boolean {
  return !clear && rows.length + deletes.length + puts.length + metas.length === 0
}

/**
 * Mirrors cache changes to IndexedDB in batches: every change within a flush window goes into
 * one transaction ({@link writeBatch}), each key written once with its latest state, and
 * recovers from what a batch meets: a quota error gives up the coldest entries on disk and
 * retries once; any other failure leaves no stale copy behind if it can, else hands its removals
 * to the next batch.
 *
 * Evictions (capacity or expiry) leave the disk alone: another tab, or a larger cache on the
 * next visit, may still hold the entry. Hydration cuts the store to what the cache takes and
 * drops expired rows, so the store stays bounded across visits.
 *
 * Batches run one after another, after `start`, so `flush()` resolving means every change made
 * before it was committed or reported. Nothing here ever rejects: failures become
 * `persist-error` events.
 */
export class WriteQueue {
  /** Keys held in memory whose value this tab knows to be on disk: only they get metadata-only writes. */
  readonly onDisk = new Set<HashKey>()
  readonly #context: QueueContext
  #pending = new Map<HashKey, Op>()
  /** Keys whose value the batch being written stores or removes (batches run one at a time). */
  #writing = new Set<HashKey>()
  #clear = false
  #rows: Discard[] = []
  #cancelTimer: (() => void) | null = null
  #chain: Promise<void>
  /** The last recency stamp handed out. */
  #seq = 0
  /** The last write count known: the store's count is repaired from it if damaged. */
  #at = 0

  constructor(context: QueueContext, start: Promise<unknown>) {
    this.#context = context
    this.#chain = start.then(
      () => {},
      () => {},
    )
  }

  /** The key was set: its value and metadata are written. */
  put(key: HashKey): void {
    this.#pending.delete(key)
    this.#queue(key, PUT)
  }

  /** The key was read: its recency and frequency are written, not its value. */
  touch(key: HashKey): void {
    const op = this.#pending.get(key)
    if (op === DELETE || op === DROP) return
    // Re-inserting keeps the queue in use order, which is the order recency stamps follow.
    this.#pending.delete(key)
    this.#queue(key, op ?? TOUCH)
  }

  /** The key was deleted: its rows go, and other tabs follow. */
  delete(key: HashKey): void {
    this.#pending.delete(key)
    this.#queue(key, DELETE)
  }

  /**
   * The key was evicted. Its row stays (another tab may hold it); only a value of this tab not
   * written yet makes the older row on disk go, since memory had moved past it.
   */
  evict(key: HashKey): void {
    this.onDisk.delete(key)
    const op = this.#pending.get(key)
    if (op === TOUCH) this.#pending.delete(key)
    else if (op === PUT) this.#queue(key, DROP)
  }

  /** The cache was cleared: earlier changes no longer matter. */
  clear(): void {
    this.#pending.clear()
    this.#rows = []
    this.#clear = true
    this.#arm()
  }

  /** Deletes raw rows with the next batch, unless they were rewritten meanwhile. */
  discard(rows: Discard[]): void {
    if (rows.length === 0) return
    this.#rows.push(...rows)
    this.#arm()
  }

  /** Recency stamps continue after `seq`, and write counts after `at` (the highest hydration found). */
  continueAfter(seq: number, at: number): void {
    this.#seq = Math.max(this.#seq, seq)
    this.#at = Math.max(this.#at, at)
  }

  /**
   * Whether `key`'s current value is on disk: written by a committed batch (or found there),
   * and neither changed since nor being written now. A pending read changes no value. Keys that
   * never reach the disk (identity-keyed, filtered, uncloneable) are never in {@link onDisk}.
   */
  persisted(key: HashKey): boolean {
    return this.onDisk.has(key) && this.#pending.get(key) !== PUT && !this.#writing.has(key)
  }

  /** Whether a set or delete of `key` made here waits to be written: it will commit after anything heard now. */
  unwritten(key: HashKey): boolean {
    const op = this.#pending.get(key)
    return op === PUT || op === DELETE
  }

  /** Whether the batch being written stores or removes `key`. */
  writing(key: HashKey): boolean {
    return this.#writing.has(key)
  }

  /** Another tab stored `key` since: the older row this tab meant to drop is that tab's now. */
  spare(key: HashKey): void {
    if (this.#pending.get(key) === DROP) this.#pending.delete(key)
  }

  /** Resolves once every batch started so far was committed or reported. */
  settled(): Promise<void> {
    return this.#chain
  }

  /** Writes what is pending now; resolves once it and every earlier batch were committed or reported. */
  flush(): Promise<void> {
    this.#cancelTimer?.()
    this.#cancelTimer = null
    this.#chain = this.#chain.then(() => this.#write())
    return this.#chain
  }

  /** Empties the store now, whatever is pending: for a handle no longer following the cache. */
  wipe(): Promise<void> {
    this.cancel()
    this.#clear = true
    return this.flush()
  }

  /** Forgets what is pending and stops the timer: storage is gone or the handle stopped. */
  cancel(): void {
    this.#cancelTimer?.()
    this.#cancelTimer = null
    this.#pending.clear()
    this.#rows = []
    this.#clear = false
  }

  #queue(key: HashKey, op: Op): void {
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
  #take(): Pending {
    const { cache, keep } = this.#context
    const ops = this.#pending
    const batch: Pending = {
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
      } else if (entry === undefined || !keep(key, entry.value)) {
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
  async #commit(batch: Pending): Promise<void> {
    let victims: HashKey[] = []
    let written: Written
    try {
      written = await this.#writeBatch(batch)
    } catch (error) {
      if (!isQuotaError(error)) return this.#abandon(batch, error)
      victims = this.#coldest(batch)
      try {
        written = await this.#writeBatch({ ...batch, deletes: [...batch.deletes, ...victims] })
      } catch (retryError) {
        return this.#abandon(batch, retryError)
      }
      this.#report(
        `${describeError(error)}; removed the ${victims.length} coldest entries from disk (they stay in memory) and retried`,
      )
    }
    this.#settle(batch, victims, written)
  }

  async #writeBatch(batch: Batch): Promise<Written> {
    const { store, version } = this.#context
    const written = await writeBatch(store, batch, version, this.#at)
    this.#at = written.at
    return written
  }

  /** The coldest persisted entries outside the batch, to give up when the quota is exceeded. */
  #coldest(batch: Batch): HashKey[] {
    const inBatch = new Set<HashKey>()
    for (const { key } of batch.puts) inBatch.add(key)
    for (const { key } of batch.metas) inBatch.add(key)
    const wanted = Math.max(batch.puts.length, Math.ceil(this.onDisk.size * QUOTA_SHARE))
    const victims: HashKey[] = []
    for (const { key } of this.#context.cache.dump()) {
      if (victims.length === wanted) break
      if (this.onDisk.has(key) && !inBatch.has(key)) victims.push(key)
    }
    return victims
  }

  #settle(batch: Pending, victims: HashKey[], { at, failures }: Written): void {
    const { onDisk } = this
    if (batch.clear) onDisk.clear()
    for (const key of batch.deletes) onDisk.delete(key)
    for (const key of victims) onDisk.delete(key)
    const failed = new Set<HashKey>()
    for (const { key, error } of failures) {
      failed.add(key)
      onDisk.delete(key)
      this.#report(`${describeError(error)}; the entry stays in memory only`, key)
    }
    const stored: StoredEntry[] = []
    const keys = [...batch.deletes]
    for (const { key, value, expiresAt } of batch.puts) {
      keys.push(key)
      if (failed.has(key)) continue
      onDisk.add(key)
      stored.push({ key, value, expiresAt })
    }
    const count = batch.deletes.length + batch.puts.length - failures.length + batch.metas.length
    this.#context.cache.publish({ type: 'persist-flushed', count })
    this.#context.committed?.({ at, cleared: batch.clear, keys, deleted: batch.announced, stored })
  }

  /**
   * A batch could not be written: report it, then try to leave no stale copy of its entries
   * behind (a reload must not bring back a value older than the one in memory). If even that
   * fails, its deletes and clear go back into the queue, for the next batch to carry.
   */
  async #abandon(batch: Pending, error: unknown): Promise<void> {
    const count = batch.puts.length + batch.deletes.length + batch.metas.length
    this.#report(`${describeError(error)}; ${count} changes stay in memory only`)
    const deletes = [...batch.deletes, ...batch.puts.map(({ key }) => key)]
    // Whether or not the clean-up works, what is on disk for these keys is not what memory holds.
    if (batch.clear) this.onDisk.clear()
    for (const key of deletes) this.onDisk.delete(key)
    const cleanup: Pending = { ...batch, deletes, puts: [], metas: [] }
    let at: number
    try {
      ;({ at } = await this.#writeBatch(cleanup))
    } catch (cleanupError) {
      this.#report(
        `${describeError(cleanupError)}; stale copies may remain on disk until the next batch removes them`,
      )
      this.#requeue(cleanup)
      return
    }
    this.#context.committed?.({
      at,
      cleared: batch.clear,
      keys: deletes,
      deleted: batch.announced,
      stored: [],
    })
  }

  /**
   * Puts the removals of a batch that never reached disk back into the queue, behind nothing:
   * a change made since is newer and stays as it is. No timer is armed, so a dead disk is not
   * retried in a loop; the next change or flush carries them.
   */
  #requeue(batch: Pending): void {
    if (batch.clear) this.#clear = true
    this.#rows.unshift(...batch.rows)
    const announced = new Set(batch.announced)
    for (const key of batch.deletes) {
      if (!this.#pending.has(key)) this.#pending.set(key, announced.has(key) ? DELETE : DROP)
    }
  }

  #report(reason: string, ...key: [HashKey] | []): void {
    reportError(this.#context.cache, reason, ...key)
  }
}
