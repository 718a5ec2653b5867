import { createStore, entries, type UseStore } from 'idb-keyval'
import type { AsyncCache } from '../cache.js'
import type { CacheEvent } from '../events.js'
import { describeError, reportError, StorageUnavailableError } from './faults.js'
import { type Discard, planHydration } from './hydrate.js'
import { type PersistOptions, type ResolvedOptions, resolveOptions } from './options.js'
import { onPageHidden } from './page.js'
import { type DiskableKey, isDiskable } from './record.js'
import { closeStore, readEach, reopening } from './store.js'
import { joinTabs, type Tabs } from './tabs.js'
import { type Change, WriteBehind } from './write-behind.js'

/**
 * Where a persisted cache stands:
 * - `'hydrating'`: reading the entries of the last visit;
 * - `'ready'`: hydrated, and mirroring every change to IndexedDB;
 * - `'unavailable'`: IndexedDB is missing or refused (private modes, blocked storage); the cache
 *   works in memory only;
 * - `'failed'`: the database opened but could not be read; the cache works in memory only.
 */
export type PersistStatus = 'hydrating' | 'ready' | 'unavailable' | 'failed'

/** What {@link persist} returns: the persistence of one cache. None of its promises ever rejects. */
export interface PersistHandle {
  /** Resolves once hydration has finished or failed (see {@link status}); never rejects. */
  readonly ready: Promise<void>
  /** Where persistence stands; faults show here and as `persist-error` events, never as rejections. */
  readonly status: PersistStatus
  /**
   * Writes every pending change now; resolves once all changes made before the call are on disk
   * or reported. After `stop()`, does nothing.
   */
  flush(): Promise<void>
  /**
   * Clears the cache (memory, statistics) and the disk, also after `stop()` or when hydration
   * failed; resolves once the disk is cleared or the failure reported.
   */
  clear(): Promise<void>
  /** Writes what is pending, then detaches from the cache and closes the database. The data stays on disk. */
  stop(): Promise<void>
}

/** Every database holds one object store of this name. */
const STORE = 'entries'

/**
 * Mirrors `cache` into IndexedDB (through idb-keyval), so that the next visit starts warm.
 *
 * It hydrates at once: entries of the last visit come back with their remaining TTL and their
 * LRU order or LFU frequencies, ranked below anything already in memory, which they never
 * overwrite. Meanwhile the cache holds its misses (at most `hydrationWait` ms): a `getOrLoad`,
 * an `asyncCache` wrapper or a `cachedFetch` call made before hydration ends is served from disk
 * when its key comes back, rather than loaded again.
 *
 * Then every set, delete and clear, and the recency of reads, is written behind in batches, one
 * transaction per `flushWindow`, and flushed when the page is hidden. Evictions leave the disk
 * alone (another tab may still hold the entry); the next hydration cuts the store to `maxsize`
 * and drops what expired. Tabs persisting the same name keep each other's memory coherent: of two
 * writes of one key, every tab ends with the one that committed last. Storage faults never reach
 * the memory cache: they show in `status` and as `persist-error` events.
 *
 * Entries whose key cannot survive a reload (objects keyed by identity, a method's instance)
 * and entries the `filter` option rejects stay in memory only. Until `stop()`, `cache.inspect()`
 * says of each entry whether its current value is on disk (`persisted`).
 *
 * @example
 * ```ts
 * const cache = new AsyncCache<string, User>({ maxsize: 1000, policy: 'LFU', ttl: 3600, name: 'api' })
 * const store = persist(cache, { name: 'api-v1' })
 * await store.ready // entries from the last visit are back
 * ```
 */
export function persist<K, V>(
  cache: AsyncCache<K, V>,
  options?: PersistOptions<K, V>,
): PersistHandle {
  const candidate = cache as Partial<AsyncCache<K, V>> | null
  if (
    typeof candidate?.subscribe !== 'function' ||
    typeof candidate.dump !== 'function' ||
    typeof candidate.restore !== 'function'
  ) {
    throw new TypeError(`persist: expected an AsyncCache, got ${String(cache)}`)
  }
  return new Persistence(cache, resolveOptions(cache, options))
}

class Persistence<K, V> implements PersistHandle {
  readonly ready: Promise<void>
  #status: PersistStatus = 'hydrating'
  readonly #cache: AsyncCache<DiskableKey, unknown>
  readonly #options: ResolvedOptions<K, V>
  readonly #store: UseStore
  readonly #writes: WriteBehind
  readonly #tabs: Tabs | null
  readonly #unsubscribe: () => void
  readonly #unlistenPage: () => void
  readonly #uninspect: () => void
  /** While hydrating: keys deleted meanwhile, whose disk copies are older than memory. */
  #gone: Set<DiskableKey> | null = new Set()
  /** While hydrating: the cache was cleared meanwhile. */
  #goneAll = false
  /** Set while applying another tab's change: that tab writes it. */
  #applying = false
  /** Set once the handle follows neither the cache nor other tabs (stopped, or storage failed). */
  #detached = false
  /** Set by the first `stop()`, which every later call shares. */
  #stopped: Promise<void> | undefined

  constructor(cache: AsyncCache<K, V>, options: ResolvedOptions<K, V>) {
    // Only diskable keys ever reach the layers below, so they see the cache through that type.
    this.#cache = cache as unknown as AsyncCache<DiskableKey, unknown>
    this.#options = options
    const database = `asynccache:${options.name}`
    const factory = options.createStore ?? createStore
    this.#store = reopening(() => factory(database, STORE))
    this.ready = Promise.resolve()
      .then(() => this.#hydrate())
      .catch((error: unknown) => this.#fail('failed', error))
    // Every getOrLoad path (wrappers, cachedFetch) then waits for the disk rather than loading.
    this.#cache.holdLoads(this.ready, options.hydrationWait)
    this.#writes = new WriteBehind(
      {
        cache: this.#cache,
        store: this.#store,
        version: options.version,
        window: options.flushWindow,
        schedule: options.schedule,
        keep: (key, value) => this.#keeps(key, value),
        committed: (change) => this.#tabs?.tell(change),
      },
      this.ready,
    )
    this.#tabs = options.tabs
      ? joinTabs(
          database,
          options.version,
          (change) => this.#apply(change),
          (reason) => this.#report(reason),
        )
      : null
    this.#unsubscribe = this.#cache.subscribe((event) => this.#observe(event))
    // Entries the cache held before persistence started are mirrored too, coldest first.
    for (const { key } of this.#cache.dump()) if (isDiskable(key)) this.#writes.put(key)
    this.#unlistenPage = onPageHidden(() => void this.flush())
    this.#uninspect = this.#cache.addInspector((key) => ({
      persisted: this.#writes.persisted(key),
    }))
  }

  get status(): PersistStatus {
    return this.#status
  }

  flush(): Promise<void> {
    // Stopped: nothing follows the cache any more, and a call must not reopen the database.
    return this.#stopped ?? this.#writes.flush()
  }

  async clear(): Promise<void> {
    this.#cache.clear()
    await this.ready
    // Following the cache: its clear event queued the disk's.
    if (this.#status === 'ready' && this.#stopped === undefined) return this.flush()
    await this.#stopped
    if (this.#status === 'unavailable') return
    // Failed or stopped: the disk is cleared directly, so a reload cannot bring the data back.
    await this.#writes.wipe()
    await this.#close()
  }

  stop(): Promise<void> {
    this.#stopped ??= this.#stop()
    return this.#stopped
  }

  async #stop(): Promise<void> {
    await this.ready
    this.#detach()
    this.#uninspect()
    await this.#writes.flush()
    if (this.#status === 'ready') await this.#close()
  }

  #close(): Promise<void> {
    return closeStore(this.#store).catch((error: unknown) =>
      this.#report(`the database did not close (${describeError(error)})`),
    )
  }

  /**
   * Every row of the store. When the store cannot be read whole (one row that no longer
   * deserializes fails every read of all rows), it is read row by row and the unreadable rows
   * are discarded, rather than losing every visit's hydration to them.
   */
  async #read(): Promise<{ rows: [IDBValidKey, unknown][]; unreadable: Discard[] }> {
    try {
      return { rows: await entries(this.#store), unreadable: [] }
    } catch (error) {
      if (error instanceof StorageUnavailableError) throw error
      const { rows, unreadable } = await readEach(this.#store)
      this.#report(
        `${describeError(error)}; read the store row by row and removed ${unreadable.length} unreadable rows`,
      )
      return { rows, unreadable: unreadable.map((row) => ({ row, written: undefined })) }
    }
  }

  async #hydrate(): Promise<void> {
    let rows: [IDBValidKey, unknown][]
    let unreadable: Discard[]
    try {
      ;({ rows, unreadable } = await this.#read())
    } catch (error) {
      return this.#fail(error instanceof StorageUnavailableError ? 'unavailable' : 'failed', error)
    }
    const cache = this.#cache
    const gone = this.#gone ?? new Set()
    const goneAll = this.#goneAll
    this.#gone = null
    const plan = planHydration(rows, {
      version: this.#options.version,
      policy: cache.policy,
      now: cache.now(),
      staleMs: cache.staleWhileRevalidate * 1000,
      room: cache.maxsize - cache.size,
      superseded: (key) => goneAll || gone.has(key) || cache.has(key),
      keep: (key, value) => this.#keeps(key, value),
    })
    this.#writes.hydrated(plan.lastSeq, plan.writes, plan.written)
    for (const key of plan.kept) this.#writes.onDisk.add(key)
    this.#writes.discard([...plan.discard, ...unreadable])
    let count = 0
    for (let n = plan.records.length - 1; n >= 0; n--) {
      const { key, value, expiresAt, frequency } = plan.records[n]
      if (cache.restore(key, value, expiresAt, frequency) === 'restored') count++
    }
    if (plan.malformed > 0) {
      this.#report(
        `skipped and removed ${plan.malformed} malformed records (a damaged or foreign store)`,
      )
    }
    this.#status = 'ready'
    cache.publish({ type: 'persist-hydrated', count })
  }

  #observe(event: CacheEvent<DiskableKey, unknown>): void {
    // Evictions are this tab's own, even when another tab's change made room for itself.
    if (event.type === 'evict') {
      if (isDiskable(event.key)) this.#writes.evict(event.key)
      return
    }
    if (this.#applying) return
    switch (event.type) {
      case 'set':
        if (isDiskable(event.key)) this.#writes.put(event.key)
        return
      case 'hit':
        if (isDiskable(event.key)) this.#writes.touch(event.key)
        return
      case 'delete':
        if (!isDiskable(event.key)) return
        // Even a delete that found nothing in memory (`existed: false`): the disk, or hydration
        // still reading it, may hold the key, and its old value must not come back.
        this.#gone?.add(event.key)
        this.#writes.delete(event.key)
        return
      case 'clear':
        if (this.#gone !== null) this.#goneAll = true
        this.#writes.clear()
        return
    }
  }

  /**
   * Applies a change another tab committed, without writing it again: for each key, only if it
   * is newer than what this tab holds (see {@link WriteBehind.admit}); keys this tab is writing
   * are decided once that write is done.
   */
  #apply(change: Change): void {
    if (this.#detached) return
    const cache = this.#cache
    const writes = this.#writes
    const { at } = change
    const deferred: Change = { at, cleared: false, deleted: [], stored: [] }
    this.#applying = true
    try {
      if (change.cleared) {
        cache.clear()
        writes.sawClear(at)
        if (this.#gone !== null) this.#goneAll = true
      }
      for (const key of change.deleted) {
        if (!isDiskable(key)) continue
        const verdict = writes.admit(key, at)
        if (verdict === 'defer') deferred.deleted.push(key)
        if (verdict !== 'apply') continue
        cache.delete(key)
        writes.saw(key, at, false)
        this.#gone?.add(key)
      }
      const now = cache.now()
      for (const entry of change.stored) {
        const { key, value, expiresAt } = entry
        if (!isDiskable(key)) continue
        const verdict = writes.admit(key, at)
        if (verdict === 'defer') deferred.stored.push(entry)
        if (verdict !== 'apply') continue
        if (expiresAt !== null && expiresAt <= now) {
          // Expired on arrival: what this tab holds under the key is older still.
          cache.delete(key)
          writes.saw(key, at, false)
          continue
        }
        cache.set(key, value, { ttl: expiresAt === null ? null : (expiresAt - now) / 1000 })
        writes.saw(key, at, true)
      }
    } finally {
      this.#applying = false
    }
    if (deferred.deleted.length + deferred.stored.length > 0) {
      void writes.settled().then(() => this.#apply(deferred))
    }
  }

  #keeps(key: DiskableKey, value: unknown): boolean {
    const { filter } = this.#options
    if (filter === undefined) return true
    try {
      return Boolean(filter(key as K, value as V))
    } catch (error) {
      this.#report(`filter threw (${describeError(error)}); the entry stays in memory only`, key)
      return false
    }
  }

  /** Hydration could not happen: the cache goes on in memory only, and says why once. */
  #fail(status: 'unavailable' | 'failed', error: unknown): void {
    this.#status = status
    this.#detach()
    this.#writes.cancel()
    this.#report(`${describeError(error)}; the cache works in memory only (status '${status}')`)
  }

  /** Stops following the cache, the page and other tabs. */
  #detach(): void {
    this.#detached = true
    this.#unsubscribe()
    this.#unlistenPage()
    this.#tabs?.close()
  }

  #report(reason: string, ...key: [DiskableKey] | []): void {
    reportError(this.#cache, reason, ...key)
  }
}
