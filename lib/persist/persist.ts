import { createStore, entries } from 'idb-keyval'
import { type AsyncCache, type CacheEvent, type HashKey, isContentKey } from '../index.js'
import { describeError, reportError, StorageUnavailableError } from './faults.js'
import { type Discard, hydrate } from './hydrate.js'
import { type PersistOptions, resolveOptions } from './options.js'
import { onPageHidden } from './page.js'
import { writeQueue } from './queue.js'
import { closeStore, readEach, reopening } from './store.js'

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
  const resolved = resolveOptions(cache, options)
  // Only content keys ever reach the layers below, so they see the cache through that type.
  const memory = cache as unknown as AsyncCache<HashKey, unknown>
  const { filter, version } = resolved
  const database = `asynccache:${resolved.name}`
  const factory = resolved.createStore ?? createStore
  const store = reopening(() => factory(database, STORE))
  let status: PersistStatus = 'hydrating'
  /** While hydrating: keys deleted meanwhile, whose disk copies are older than memory. */
  let gone: Set<HashKey> | null = new Set()
  /** While hydrating: the cache was cleared meanwhile. */
  let goneAll = false
  /** Set while applying another tab's change: that tab writes it. */
  let applying = false
  /** Set by the first `stop()`, which every later call shares. */
  let stopped: Promise<void> | undefined

  const report = (reason: string, ...key: [HashKey] | []) => reportError(memory, reason, ...key)

  const keeps = (key: HashKey, value: unknown): boolean => {
    if (filter === undefined) return true
    try {
      return Boolean(filter(key as K, value as V))
    } catch (error) {
      report(`filter threw (${describeError(error)}); the entry stays in memory only`, key)
      return false
    }
  }

  /**
   * Every row of the store. When the store cannot be read whole (one row that no longer
   * deserializes fails every read of all rows), it is read row by row and the unreadable rows
   * are discarded, rather than losing every visit's hydration to them.
   */
  const read = async (): Promise<{ rows: [IDBValidKey, unknown][]; unreadable: Discard[] }> => {
    try {
      return { rows: await entries(store), unreadable: [] }
    } catch (error) {
      if (error instanceof StorageUnavailableError) throw error
      const { rows, unreadable } = await readEach(store)
      report(
        `${describeError(error)}; read the store row by row and removed ${unreadable.length} unreadable rows`,
      )
      return { rows, unreadable: unreadable.map((row) => ({ row, written: undefined })) }
    }
  }

  const load = async (): Promise<void> => {
    let rows: [IDBValidKey, unknown][]
    let unreadable: Discard[]
    try {
      ;({ rows, unreadable } = await read())
    } catch (error) {
      return fail(error instanceof StorageUnavailableError ? 'unavailable' : 'failed', error)
    }
    const deleted = gone ?? new Set()
    const cleared = goneAll
    gone = null
    const found = hydrate(rows, {
      cache: memory,
      version,
      superseded: (key) => cleared || deleted.has(key),
      keep: keeps,
    })
    queue.continueAfter(found.lastSeq, found.writes)
    for (const key of found.kept) queue.onDisk.add(key)
    queue.discard([...found.discard, ...unreadable])
    tabs?.hydrated(found.writes, found.written)
    if (found.malformed > 0) {
      report(`removed ${found.malformed} malformed records`)
    }
    status = 'ready'
    memory.publish({ type: 'persist-hydrated', count: found.count })
  }

  const ready = Promise.resolve()
    .then(load)
    .catch((error: unknown) => fail('failed', error))
  // Every getOrLoad path (wrappers, cachedFetch) then waits for the disk rather than loading.
  memory.holdLoads(ready, resolved.hydrationWait)
  const queue = writeQueue(
    {
      cache: memory,
      store,
      version,
      window: resolved.flushWindow,
      schedule: resolved.schedule,
      keep: keeps,
      committed: (commit) => tabs?.committed(commit),
    },
    ready,
  )
  const tabs =
    resolved.tabs?.({
      cache: memory,
      name: database,
      version,
      queue,
      quietly(apply) {
        applying = true
        try {
          apply()
        } finally {
          applying = false
        }
      },
      report,
    }) ?? null

  const observe = (event: CacheEvent<HashKey, unknown>): void => {
    if (event.type === 'clear') {
      if (gone !== null) goneAll = true
      if (!applying) queue.clear()
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
        gone?.add(key)
        if (!applying) queue.delete(key)
        return
      case 'set':
        if (!applying) queue.put(key)
        return
      case 'hit':
        if (!applying) queue.touch(key)
    }
  }
  const unsubscribe = memory.subscribe(observe)
  // Entries the cache held before persistence started are mirrored too, coldest first.
  for (const { key } of memory.dump()) if (isContentKey(key)) queue.put(key)
  const unlistenPage = onPageHidden(() => void flush())
  const uninspect = memory.addInspector((key) => ({ persisted: queue.persisted(key) }))

  /** Stops following the cache, the page and other tabs. */
  const detach = () => {
    unsubscribe()
    unlistenPage()
    tabs?.close()
  }

  /** Hydration could not happen: the cache goes on in memory only, and says why once. */
  function fail(failure: 'unavailable' | 'failed', error: unknown): void {
    status = failure
    detach()
    queue.cancel()
    report(`${describeError(error)}; the cache works in memory only (status '${failure}')`)
  }

  const close = () =>
    closeStore(store).catch((error: unknown) =>
      report(`the database did not close (${describeError(error)})`),
    )

  // Stopped: nothing follows the cache any more, and a call must not reopen the database.
  const flush = () => stopped ?? queue.flush()

  return {
    ready,
    get status() {
      return status
    },
    flush,
    async clear() {
      memory.clear()
      await ready
      // Following the cache: its clear event queued the disk's.
      if (status === 'ready' && stopped === undefined) return flush()
      await stopped
      if (status === 'unavailable') return
      // Failed or stopped: the disk is cleared directly, so a reload cannot bring the data back.
      await queue.wipe()
      await close()
    },
    stop() {
      stopped ??= (async () => {
        await ready
        detach()
        uninspect()
        await queue.flush()
        if (status === 'ready') await close()
      })()
      return stopped
    },
  }
}
