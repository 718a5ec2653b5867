import { promisifyRequest, type UseStore } from 'idb-keyval'
import type { AsyncCache } from '../cache.js'
import { describeError, isCloneError, isQuotaError, reportError } from './faults.js'
import type { Discard } from './hydrate.js'
import {
  type DiskableKey,
  metaKey,
  metaRecord,
  readWrites,
  type Version,
  valueKey,
  valueRecord,
  WRITES_KEY,
  writesRecord,
  writtenBy,
} from './record.js'
import type { Schedule } from './schedule.js'

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

/** An entry written by a committed batch, as other tabs receive it. */
export interface StoredEntry {
  key: DiskableKey
  value: unknown
  expiresAt: number | null
}

/** What one committed batch changed, for the tabs sharing the database. */
export interface Change {
  /** The write transaction that committed it: a higher one committed later. */
  at: number
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
  /** Raw rows to delete (from hydration's clean-up), if no tab rewrote them meanwhile. */
  rows: Discard[]
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

/** What a transaction did: which write it was, and the entries that could not be cloned. */
interface Commit {
  at: number
  failures: CloneFailure[]
}

/** What to do with another tab's change of a key. */
export type Verdict = 'apply' | 'ignore' | 'defer'

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

/**
 * Mirrors cache changes to IndexedDB in batches: every change within a flush window goes into
 * one transaction, each key written once with its latest state. Each entry is written through
 * its own `put`, so a value that cannot be cloned stays in memory while the rest of the batch is
 * written (idb-keyval's `setMany` would stop at it).
 *
 * Every transaction bumps the store's count of writes (see `WRITES_KEY`), and this tab remembers,
 * per key, the write that gave it what it holds: so a change another tab announces is applied
 * only when it committed after that, and never over a change of this tab still to be written.
 *
 * Evictions (capacity or expiry) leave the disk alone: another tab, or a larger cache on the
 * next visit, may still hold the entry. Hydration cuts the store to the cache's `maxsize` and
 * drops expired rows, so the store stays bounded across visits.
 *
 * Batches run one after another, after `start`, so `flush()` resolving means every change made
 * before it was committed or reported. Nothing here ever rejects: failures become
 * `persist-error` events.
 */
export class WriteBehind {
  /** Keys held in memory whose value this tab knows to be on disk: only they get metadata-only writes. */
  readonly onDisk = new Set<DiskableKey>()
  readonly #context: WriteBehindContext
  #pending = new Map<DiskableKey, Op>()
  /** Keys whose value the batch being written stores or removes (batches run one at a time). */
  #writing = new Set<DiskableKey>()
  #clear = false
  #rows: Discard[] = []
  #cancelTimer: (() => void) | null = null
  #chain: Promise<void>
  /** The last recency stamp handed out. */
  #seq = 0
  /** Per key, the write transaction that stored (or deleted) the state this tab holds. */
  #versions = new Map<DiskableKey, number>()
  /** Keys not in {@link #versions} were last written by this transaction or an earlier one. */
  #floor = 0

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

  /** The key was deleted: its rows go, and other tabs follow. */
  delete(key: DiskableKey): void {
    this.#pending.delete(key)
    this.#queue(key, DELETE)
  }

  /**
   * The key was evicted. Its row stays (another tab may hold it); only a value of this tab not
   * written yet makes the older row on disk go, since memory had moved past it.
   */
  evict(key: DiskableKey): void {
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

  /**
   * Whether `key`'s current value is on disk: written by a committed batch (or found there),
   * and neither changed since nor being written now. A pending read changes no value. Keys that
   * never reach the disk (identity-keyed, filtered, uncloneable) are never in {@link onDisk}.
   */
  persisted(key: DiskableKey): boolean {
    return this.onDisk.has(key) && this.#pending.get(key) !== PUT && !this.#writing.has(key)
  }

  /**
   * What hydration found: recency stamps continue after `seq`, the store had seen `writes`
   * write transactions, and each restored key was stored by the write `written` gives.
   */
  hydrated(seq: number, writes: number, written: ReadonlyMap<DiskableKey, number>): void {
    this.#seq = Math.max(this.#seq, seq)
    this.#floor = Math.max(this.#floor, writes)
    for (const [key, at] of written) {
      this.onDisk.add(key)
      if (!this.#versions.has(key)) this.#versions.set(key, at)
    }
  }

  /**
   * Whether another tab's change of `key`, committed by write `at`, is to be applied: not over a
   * change of this tab still to be written (it commits later, so it wins), not over a state this
   * tab got from a later write; deferred while this tab's own write of the key is in flight, as
   * which of the two committed last is known only once it has.
   */
  admit(key: DiskableKey, at: number): Verdict {
    const op = this.#pending.get(key)
    if (op === PUT || op === DELETE) return 'ignore'
    if (this.#writing.has(key)) return 'defer'
    if (!(at > (this.#versions.get(key) ?? this.#floor))) return 'ignore'
    // The row this tab meant to remove is another tab's newer one now.
    if (op === DROP) this.#pending.delete(key)
    return 'apply'
  }

  /** Another tab's change of `key`, by write `at`, was applied: the key now holds `stored` or nothing. */
  saw(key: DiskableKey, at: number, stored: boolean): void {
    this.#versions.set(key, at)
    if (stored) this.onDisk.add(key)
    else this.onDisk.delete(key)
  }

  /** Another tab cleared the store in write `at`, and this tab its memory. */
  sawClear(at: number): void {
    this.onDisk.clear()
    this.#floor = Math.max(this.#floor, at)
    // Writes committed after the clear still stand.
    for (const [key, version] of this.#versions) if (version <= at) this.#versions.delete(key)
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
    let commit: Commit
    try {
      commit = await this.#transact(batch, victims)
    } catch (error) {
      if (!isQuotaError(error)) return this.#abandon(batch, error)
      victims = this.#coldest(batch)
      try {
        commit = await this.#transact(batch, victims)
      } catch (retryError) {
        return this.#abandon(batch, retryError)
      }
      this.#report(
        `${describeError(error)}; removed the ${victims.length} coldest entries from disk (they stay in memory) and retried`,
      )
    }
    this.#settle(batch, victims, commit)
  }

  /**
   * One transaction for the whole batch: it reads the count of writes and the rows to discard,
   * then writes. Re-runnable: a closed connection makes the store retry it.
   */
  #transact(batch: Batch, victims: DiskableKey[]): Promise<Commit> {
    return this.#context.store('readwrite', (store) => {
      let commit: Commit | undefined
      let thrown: unknown
      const counter = store.get(WRITES_KEY)
      const doomed: IDBValidKey[] = []
      const checks = new Map<IDBRequest, Discard>()
      for (const discard of batch.rows) {
        try {
          checks.set(store.get(discard.row), discard)
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
            store.transaction.abort()
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
            commit = this.#put(store, batch, victims, doomed, readWrites(counter.result) + 1)
          } catch (error) {
            thrown = error
            // Requests already queued would otherwise commit: a batch is all or nothing.
            store.transaction.abort()
          }
        },
      )
      return promisifyRequest(store.transaction).then(
        () => commit as Commit,
        (error: unknown) => {
          throw thrown ?? error
        },
      )
    })
  }

  /** Queues the writes of a batch as write transaction `at`. */
  #put(
    store: IDBObjectStore,
    batch: Batch,
    victims: DiskableKey[],
    doomed: IDBValidKey[],
    at: number,
  ): Commit {
    const { version } = this.#context
    const failures: CloneFailure[] = []
    if (batch.clear) store.clear()
    store.put(writesRecord(at), WRITES_KEY)
    for (const row of doomed) store.delete(row)
    for (const key of batch.deletes) drop(store, key)
    for (const key of victims) drop(store, key)
    for (const { key, value, expiresAt, seq, freq } of batch.puts) {
      try {
        store.put(valueRecord(version, key, value, expiresAt, seq, freq, at), valueKey(key))
      } catch (error) {
        if (!isCloneError(error)) throw error
        failures.push({ key, error })
        drop(store, key)
      }
    }
    for (const { key, seq, freq } of batch.metas) {
      store.put(metaRecord(version, key, seq, freq, at), metaKey(key))
    }
    return { at, failures }
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

  /** Records what write `at` left on disk for the keys of a batch it committed. */
  #committed(batch: Batch, at: number, keys: Iterable<DiskableKey>): void {
    if (batch.clear) {
      this.#versions.clear()
      this.#floor = Math.max(this.#floor, at)
    }
    for (const key of keys) this.#versions.set(key, at)
  }

  #settle(batch: Batch, victims: DiskableKey[], { at, failures }: Commit): void {
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
    this.#committed(batch, at, [...batch.deletes, ...batch.puts.map(({ key }) => key)])
    const count = batch.deletes.length + batch.puts.length - failures.length + batch.metas.length
    this.#context.cache.publish({ type: 'persist-flushed', count })
    this.#context.committed({ at, cleared: batch.clear, deleted: batch.announced, stored })
  }

  /**
   * A batch could not be written: report it, then try to leave no stale copy of its entries
   * behind (a reload must not bring back a value older than the one in memory). If even that
   * fails, its deletes and clear go back into the queue, for the next batch to carry.
   */
  async #abandon(batch: Batch, error: unknown): Promise<void> {
    const count = batch.puts.length + batch.deletes.length + batch.metas.length
    this.#report(`${describeError(error)}; ${count} changes stay in memory only`)
    const deletes = [...batch.deletes, ...batch.puts.map(({ key }) => key)]
    // Whether or not the clean-up works, what is on disk for these keys is not what memory holds.
    if (batch.clear) this.onDisk.clear()
    for (const key of deletes) this.onDisk.delete(key)
    const cleanup: Batch = { ...batch, deletes, puts: [], metas: [] }
    let at: number
    try {
      at = (await this.#transact(cleanup, [])).at
    } catch (cleanupError) {
      this.#report(
        `${describeError(cleanupError)}; stale copies may remain on disk until the next batch removes them`,
      )
      this.#requeue(cleanup)
      return
    }
    this.#committed(cleanup, at, deletes)
    this.#context.committed({ at, cleared: batch.clear, deleted: batch.announced, stored: [] })
  }

  /**
   * Puts the removals of a batch that never reached disk back into the queue, behind nothing:
   * a change made since is newer and stays as it is. No timer is armed, so a dead disk is not
   * retried in a loop; the next change or flush carries them.
   */
  #requeue(batch: Batch): void {
    if (batch.clear) this.#clear = true
    this.#rows.unshift(...batch.rows)
    const announced = new Set(batch.announced)
    for (const key of batch.deletes) {
      if (!this.#pending.has(key)) this.#pending.set(key, announced.has(key) ? DELETE : DROP)
    }
  }

  #report(reason: string, ...key: [DiskableKey] | []): void {
    reportError(this.#context.cache, reason, ...key)
  }
}
