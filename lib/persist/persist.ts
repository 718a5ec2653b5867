import { createStore, entries, type UseStore } from 'idb-keyval'
import { type AsyncCache, type CacheEvent, type HashKey, isContentKey } from '../index.js'
import { describeError, reportError, StorageUnavailableError } from './faults.js'
import { type Discard, hydrate } from './hydrate.js'
import { type PersistOptions, type ResolvedOptions, resolveOptions } from './options.js'
import { onPageHidden } from './page.js'
import { WriteQueue } from './queue.js'
import { closeStore, readEach, reopening } from './store.js'
import type { TabLink } from './tabs.js'

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
 * alone (another tab may still hold the entry); the next hydration cuts the store to what the
 * cache takes and drops what expired. With `tabs: tabCoherence()`, tabs persisting the same name
 * keep each other's memory coherent: of two writes of one key, every tab ends with the one that
 * committed last. Storage faults never reach the memory cache: they show in `status` and as
 * `persist-error` events.
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
  readonly #cache: AsyncCache<HashKey, unknown>
  readonly #options: ResolvedOptions<K, V>
  readonly #store: UseStore
  readonly #queue: WriteQueue
  readonly #tabs: TabLink | null
  readonly #unsubscribe: () => void
  readonly #unlistenPage: () => void
  readonly #uninspect: () => void
  /** While hydrating: keys deleted meanwhile, whose disk copies are older than memory. */
  #gone: Set<HashKey> | null = new Set()
  /** While hydrating: the cache was cleared meanwhile. */
  #goneAll = false
  /** Set while applying another tab's change: that tab writes it. */
  #applying = false
  /** Set by the first `stop()`, which every later call shares. */
  #stopped: Promise<void> | undefined

  constructor(cache: AsyncCache<K, V>, options: ResolvedOptions<K, V>) {
    // Only content keys ever reach the layers below, so they see the cache through that type.
    this.#cache = cache as unknown as AsyncCache<HashKey, unknown>
    this.#options = options
    const database = `asynccache:${options.name}`
    const factory = options.createStore ?? createStore
    this.#store = reopening(() => factory(database, STORE))
    this.ready = Promise.resolve()
      .then(() => this.#hydrate())
      .catch((error: unknown) => this.#fail('failed', error))
    // Every getOrLoad path (wrappers, cachedFetch) then waits for the disk rather than loading.
    this.#cache.holdLoads(this.ready, options.hydrationWait)
    const report = (reason: string) => this.#report(reason)
    this.#queue = new WriteQueue(
      {
        cache: this.#cache,
        store: this.#store,
        version: options.version,
        window: options.flushWindow,
        schedule: options.schedule,
        keep: (key, value) => this.#keeps(key, value),
        committed: (commit) => this.#tabs?.committed(commit),
      },
      this.ready,
    )
    this.#tabs =
      options.tabs?.({
        cache: this.#cache,
        name: database,
        version: options.version,
        queue: this.#queue,
        quietly: (apply) => {
          this.#applying = true
          try {
            apply()
          } finally {
            this.#applying = false
          }
        },
        report,
      }) ?? null
    this.#unsubscribe = this.#cache.subscribe((event) => this.#observe(event))
    // Entries the cache held before persistence started are mirrored too, coldest first.
    for (const { key } of this.#cache.dump()) if (isContentKey(key)) this.#queue.put(key)
    this.#unlistenPage = onPageHidden(() => void this.flush())
    this.#uninspect = this.#cache.addInspector((key) => ({
      persisted: this.#queue.persisted(key),
    }))
  }

  get status(): PersistStatus {
    return this.#status
  }

  flush(): Promise<void> {
    // Stopped: nothing follows the cache any more, and a call must not reopen the database.
    return this.#stopped ?? this.#queue.flush()
  }

  async clear(): Promise<void> {
    this.#cache.clear()
    await this.ready
    // Following the cache: its clear event queued the disk's.
    if (this.#status === 'ready' && this.#stopped === undefined) return this.flush()
    await this.#stopped
    if (this.#status === 'unavailable') return
    // Failed or stopped: the disk is cleared directly, so a reload cannot bring the data back.
    await this.#queue.wipe()
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
    await this.#queue.flush()
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
    const gone = this.#gone ?? new Set()
    const goneAll = this.#goneAll
    this.#gone = null
    const found = hydrate(rows, {
      cache: this.#cache,
      version: this.#options.version,
      superseded: (key) => goneAll || gone.has(key),
      keep: (key, value) => this.#keeps(key, value),
    })
    const queue = this.#queue
    queue.continueAfter(found.lastSeq, found.writes)
    for (const key of found.kept) queue.onDisk.add(key)
    queue.discard([...found.discard, ...unreadable])
    this.#tabs?.hydrated(found.writes, found.written)
    if (found.malformed > 0) {
      this.#report(
        `skipped and removed ${found.malformed} malformed records (a damaged or foreign store)`,
      )
    }
    this.#status = 'ready'
    this.#cache.publish({ type: 'persist-hydrated', count: found.count })
  }

  #observe(event: CacheEvent<HashKey, unknown>): void {
    const queue = this.#queue
    if (event.type === 'clear') {
      if (this.#gone !== null) this.#goneAll = true
      if (!this.#applying) queue.clear()
      return
    }
    if (!('key' in event) || !isContentKey(event.key)) return
    const { key } = event
    switch (event.type) {
      // Evictions are this tab's own, even when another tab's change made room for itself.
      case 'evict':
        queue.evict(key)
        return
      case 'delete':
        // Even a delete that found nothing in memory (`existed: false`): the disk, or hydration
        // still reading it, may hold the key, and its old value must not come back.
        this.#gone?.add(key)
        if (!this.#applying) queue.delete(key)
        return
      case 'set':
        if (!this.#applying) queue.put(key)
        return
      case 'hit':
        if (!this.#applying) queue.touch(key)
        return
    }
  }

  #keeps(key: HashKey, value: unknown): boolean {
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
    this.#queue.cancel()
    this.#report(`${describeError(error)}; the cache works in memory only (status '${status}')`)
  }

  /** Stops following the cache, the page and other tabs. */
  #detach(): void {
    this.#unsubscribe()
    this.#unlistenPage()
    this.#tabs?.close()
  }

  #report(reason: string, ...key: [HashKey] | []): void {
    reportError(this.#cache, reason, ...key)
  }
}
