import type { UseStore } from 'idb-keyval'
import type { AsyncCache, HashKey } from '../index.js'
import { describeError, isQuotaError, reportError } from './faults.js'
import type { Discard } from './hydrate.js'
import type { Version } from './record.js'
import type { Schedule } from './schedule.js'
import { type Batch, type Written, writeBatch } from './write.js'

/** What a pending key needs written: its value (and metadata), its metadata only, or its removal. */
export const PUT = 0
export const TOUCH = 1
/** Removed by `delete`: other tabs follow. */
export const DELETE = 2
/**
 * Evicted before its new value was written: the older copy on disk is this tab's to remove, and
 * a local decision, so other tabs are not told.
 */
export const DROP = 3
export type Op = typeof PUT | typeof TOUCH | typeof DELETE | typeof DROP

/** What one committed write did, for cross-tab coherence. */
export interface Commit {
  /** The write transaction: a higher one committed later. */
  at: number
  batch: Pending
  /** Keys of `batch.puts` whose value could not be stored. */
  failed: Set<HashKey>
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
export interface Pending extends Batch {
  announced: HashKey[]
}

/** The share of the persisted entries given up, at least, when the quota is exceeded. */
const QUOTA_SHARE = 0.25

function isEmpty({ clear, rows, deletes, puts, metas }: Batch): boolean {
  return !clear && rows.length + deletes.length + puts.length + metas.length === 0
}

/** The write queue of one persisted cache: what it has yet to write, is writing, and holds on disk. */
export interface WriteQueue {
  /** Keys held in memory whose value this tab knows to be on disk: only they get metadata-only writes. */
  readonly onDisk: Set<HashKey>
  /** The key was set: its value and metadata are written. */
  put(key: HashKey): void
  /** The key was read: its recency and frequency are written, not its value. */
  touch(key: HashKey): void
  /** The key was deleted: its rows go, and other tabs follow. */
  delete(key: HashKey): void
  /**
   * The key was evicted. Its row stays (another tab may hold it); only a value of this tab not
   * written yet makes the older row on disk go, since memory had moved past it.
   */
  evict(key: HashKey): void
  /** The cache was cleared: earlier changes no longer matter. */
  clear(): void
  /** Deletes raw rows with the next batch, unless they were rewritten meanwhile. */
  discard(rows: Discard[]): void
  /** Recency stamps continue after `seq`, and write counts after `at` (the highest hydration found). */
  continueAfter(seq: number, at: number): void
  /**
   * Whether `key`'s current value is on disk: written by a committed batch (or found there),
   * and neither changed since nor being written now. A pending read changes no value. Keys that
   * never reach the disk (identity-keyed, filtered, uncloneable) are never in {@link onDisk}.
   */
  persisted(key: HashKey): boolean
  /** What this tab has yet to write for `key`: {@link PUT}, {@link TOUCH}, {@link DELETE}, {@link DROP} or nothing. */
  queued(key: HashKey): Op | undefined
  /** Forgets what this tab had yet to write for `key`. */
  unqueue(key: HashKey): void
  /** Whether the batch being written stores or removes `key`. */
  writing(key: HashKey): boolean
  /** Resolves once every batch started so far was committed or reported. */
  settled(): Promise<void>
  /** Writes what is pending now; resolves once it and every earlier batch were committed or reported. */
  flush(): Promise<void>
  /** Empties the store now, whatever is pending: for a handle no longer following the cache. */
  wipe(): Promise<void>
  /** Forgets what is pending and stops the timer: storage is gone or the handle stopped. */
  cancel(): void
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
export function writeQueue(context: QueueContext, start: Promise<unknown>): WriteQueue {
  const { cache, store, version, keep, committed } = context
  const onDisk = new Set<HashKey>()
  let pending = new Map<HashKey, Op>()
  /** Keys whose value the batch being written stores or removes (batches run one at a time). */
  let writing = new Set<HashKey>()
  let clearing = false
  let rows: Discard[] = []
  let cancelTimer: (() => void) | null = null
  let chain: Promise<void> = start.then(
    () => {},
    () => {},
  )
  /** The last recency stamp handed out. */
  let seq = 0
  /** The last write count known: the store's count is repaired from it if damaged. */
  let last = 0
  const report = (reason: string, ...key: [HashKey] | []) => reportError(cache, reason, ...key)

  const queue = (key: HashKey, op: Op) => {
    pending.set(key, op)
    arm()
  }
  const arm = () => {
    if (cancelTimer !== null) return
    cancelTimer = context.schedule(() => {
      cancelTimer = null
      void flush()
    }, context.window)
  }
  const stop = () => {
    cancelTimer?.()
    cancelTimer = null
  }
  const flush = () => {
    stop()
    chain = chain.then(write)
    return chain
  }
  const cancel = () => {
    stop()
    pending.clear()
    rows = []
    clearing = false
  }
  // Clock-based, so that tabs sharing the database stamp comparably; +1 keeps it strictly rising,
  // also past a clock that is not a number (an app's own `now` returning NaN).
  const nextSeq = () => (seq = Math.max(seq + 1, cache.now()) || seq + 1)

  /** Turns the pending changes into a batch, reading values, expiries and frequencies from the cache. */
  const take = (): Pending => {
    const ops = pending
    const batch: Pending = {
      clear: clearing,
      rows,
      deletes: [],
      announced: [],
      puts: [],
      metas: [],
    }
    pending = new Map()
    rows = []
    clearing = false
    const lfu = cache.policy === 'LFU'
    for (const [key, op] of ops) {
      if (op === DELETE || op === DROP) {
        batch.deletes.push(key)
        if (op === DELETE) batch.announced.push(key)
        continue
      }
      if (op === TOUCH && !onDisk.has(key)) continue
      if (op === TOUCH && !lfu) {
        batch.metas.push({ key, seq: nextSeq(), freq: 1 })
        continue
      }
      const entry = cache.info(key)
      if (op === TOUCH) {
        if (entry !== undefined) {
          batch.metas.push({ key, seq: nextSeq(), freq: entry.frequency ?? 1 })
        }
      } else if (entry === undefined || !keep(key, entry.value)) {
        // Gone meanwhile, or not for disk: an older copy must not come back after a reload.
        batch.deletes.push(key)
      } else {
        const { value, expiresAt, frequency = 1 } = entry
        batch.puts.push({ key, value, expiresAt, seq: nextSeq(), freq: frequency })
      }
    }
    return batch
  }

  async function write(): Promise<void> {
    const batch = take()
    // Keys may all have dropped out (reads of memory-only entries): then no transaction at all.
    if (isEmpty(batch)) return
    writing = new Set(batch.deletes)
    for (const { key } of batch.puts) writing.add(key)
    try {
      await commit(batch)
    } finally {
      writing.clear()
    }
  }

  const send = async (batch: Batch): Promise<Written> => {
    const written = await writeBatch(store, batch, version, last)
    last = written.at
    return written
  }

  /** Writes a batch: retried once past a quota error, abandoned past any other. */
  async function commit(batch: Pending): Promise<void> {
    let victims: HashKey[] = []
    let written: Written
    try {
      written = await send(batch)
    } catch (error) {
      if (!isQuotaError(error)) return abandon(batch, error)
      victims = coldest(batch)
      try {
        written = await send({ ...batch, deletes: [...batch.deletes, ...victims] })
      } catch (retryError) {
        return abandon(batch, retryError)
      }
      report(
        `${describeError(error)}; retried without the ${victims.length} coldest entries on disk (kept in memory)`,
      )
    }
    settle(batch, victims, written)
  }

  /** The coldest persisted entries outside the batch, to give up when the quota is exceeded. */
  const coldest = (batch: Batch): HashKey[] => {
    const inBatch = new Set<HashKey>()
    for (const { key } of batch.puts) inBatch.add(key)
    for (const { key } of batch.metas) inBatch.add(key)
    const wanted = Math.max(batch.puts.length, Math.ceil(onDisk.size * QUOTA_SHARE))
    const victims: HashKey[] = []
    for (const { key } of cache.dump()) {
      if (victims.length === wanted) break
      if (onDisk.has(key) && !inBatch.has(key)) victims.push(key)
    }
    return victims
  }

  const settle = (batch: Pending, victims: HashKey[], { at, failures }: Written) => {
    if (batch.clear) onDisk.clear()
    for (const key of batch.deletes) onDisk.delete(key)
    for (const key of victims) onDisk.delete(key)
    const failed = new Set<HashKey>()
    for (const { key, error } of failures) {
      failed.add(key)
      onDisk.delete(key)
      report(`${describeError(error)}; the entry stays in memory only`, key)
    }
    for (const { key } of batch.puts) if (!failed.has(key)) onDisk.add(key)
    const count = batch.deletes.length + batch.puts.length - failures.length + batch.metas.length
    cache.publish({ type: 'persist-flushed', count })
    committed?.({ at, batch, failed })
  }

  /**
   * A batch could not be written: report it, then try to leave no stale copy of its entries
   * behind (a reload must not bring back a value older than the one in memory). If even that
   * fails, its deletes and clear go back into the queue, for the next batch to carry.
   */
  async function abandon(batch: Pending, error: unknown): Promise<void> {
    const count = batch.puts.length + batch.deletes.length + batch.metas.length
    report(`${describeError(error)}; ${count} changes stay in memory only`)
    const deletes = [...batch.deletes, ...batch.puts.map(({ key }) => key)]
    // Whether or not the clean-up works, what is on disk for these keys is not what memory holds.
    if (batch.clear) onDisk.clear()
    for (const key of deletes) onDisk.delete(key)
    const cleanup: Pending = { ...batch, deletes, puts: [], metas: [] }
    let at: number
    try {
      ;({ at } = await send(cleanup))
    } catch (cleanupError) {
      report(`${describeError(cleanupError)}; the next batch removes the stale copies`)
      requeue(cleanup)
      return
    }
    committed?.({ at, batch: cleanup, failed: new Set() })
  }

  /**
   * Puts the removals of a batch that never reached disk back into the queue, behind nothing:
   * a change made since is newer and stays as it is. No timer is armed, so a dead disk is not
   * retried in a loop; the next change or flush carries them.
   */
  const requeue = (batch: Pending) => {
    if (batch.clear) clearing = true
    rows.unshift(...batch.rows)
    const announced = new Set(batch.announced)
    for (const key of batch.deletes) {
      if (!pending.has(key)) pending.set(key, announced.has(key) ? DELETE : DROP)
    }
  }

  return {
    onDisk,
    put(key) {
      pending.delete(key)
      queue(key, PUT)
    },
    touch(key) {
      const op = pending.get(key)
      if (op === DELETE || op === DROP) return
      // Re-inserting keeps the queue in use order, which is the order recency stamps follow.
      pending.delete(key)
      queue(key, op ?? TOUCH)
    },
    delete(key) {
      pending.delete(key)
      queue(key, DELETE)
    },
    evict(key) {
      onDisk.delete(key)
      const op = pending.get(key)
      if (op === TOUCH) pending.delete(key)
      else if (op === PUT) queue(key, DROP)
    },
    clear() {
      pending.clear()
      rows = []
      clearing = true
      arm()
    },
    discard(more) {
      if (more.length === 0) return
      rows.push(...more)
      arm()
    },
    continueAfter(lastSeq, at) {
      seq = Math.max(seq, lastSeq)
      last = Math.max(last, at)
    },
    persisted: (key) => onDisk.has(key) && pending.get(key) !== PUT && !writing.has(key),
    queued: (key) => pending.get(key),
    unqueue: (key) => pending.delete(key),
    writing: (key) => writing.has(key),
    settled: () => chain,
    flush,
    wipe() {
      cancel()
      clearing = true
      return flush()
    },
    cancel,
  }
}
