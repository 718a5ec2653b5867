import { Adaptive } from './adaptive.js'
import { checkNumber, checkType } from './check.js'
import { wallClock } from './clock.js'
import type { CacheEvent, CacheEventInit, CacheListener, EvictReason } from './events.js'
import { LFU } from './lfu.js'
import { type Loader, type LoadOptions, Loads } from './loading.js'
import { LRU } from './lru.js'
import {
  type AsyncCacheOptions,
  checkMaxsize,
  checkPolicy,
  checkSeconds,
  type SetOptions,
} from './options.js'
import type { Policy, PolicyName } from './policy.js'
import { grown } from './policy.js'
import { registerCache } from './registry.js'
import { type CacheStats, Counters } from './stats.js'
import { ListenerList } from './subscribable.js'
import { watchKey } from './watchers.js'

/**
 * What layers add to each entry that {@link AsyncCache.inspect} shows, by augmentation as for
 * `CacheEventMap` (persistence adds `persisted`), through {@link AsyncCache.addInspector}.
 */
// biome-ignore lint/suspicious/noEmptyInterface: filled by the layers' augmentations.
export interface EntryAnnotations {}

/** One entry as {@link AsyncCache.inspect} shows it to tools. */
export interface EntrySnapshot<K, V> extends Partial<EntryAnnotations> {
  key: K
  value: V
  /** Position from the hot end: 0 for the entry that would be evicted last. */
  rank: number
  /** Uses counted by LFU and ADAPTIVE (a new entry has 1); `undefined` under LRU. */
  frequency: number | undefined
  /** Milliseconds since the entry was stored; `null` when the cache was not tracking ages then. */
  ageMs: number | null
  /** Milliseconds until it expires (negative once stale); `null` when it never expires. */
  ttlRemainingMs: number | null
  /** Past its TTL but inside the stale-while-revalidate window. */
  stale: boolean
}

/** One entry as {@link AsyncCache.dump} exports it and {@link AsyncCache.load} restores it. */
export interface EntryRecord<K, V> {
  key: K
  value: V
  /** When it expires, on the cache's clock (ms); `null` for never. */
  expiresAt: number | null
  /** Its use count (LFU, ADAPTIVE); ignored under LRU, 1 when absent. */
  frequency?: number
}

/**
 * What {@link AsyncCache.restore} did with a record: restored it, or left memory as it was
 * because memory holds the key, the record expired, or the cache is full of entries that rank
 * above it.
 */
export type RestoreResult = 'restored' | 'held' | 'expired' | 'outranked'

const FRESH = 0
const STALE = 1
const EXPIRED = 2

/** Slot arrays start this small and double up to `maxsize`, so a generous `maxsize` costs nothing up front. */
const INITIAL_CAPACITY = 16

/** A TTL in seconds (`null`: never), checked, in the milliseconds slots store (0: never). */
const ttlMs = (seconds: number | null) => (checkSeconds('ttl', seconds, true) ?? 0) * 1000

/**
 * A bounded in-memory cache with LRU or LFU eviction, TTLs, single-flight loading, statistics
 * and typed events: the TypeScript counterpart of alex-ber-utils' `AsyncCache`.
 *
 * Memory operations are synchronous and O(1) (there is nothing to lock in one JavaScript
 * thread, and `await cache.get(k)` still reads naturally). Entries live in slot-indexed arrays
 * with the policy's links in typed arrays: no object per entry, and `get`, `peek`, `has` and
 * `set` on an existing key allocate nothing while nobody listens to events.
 *
 * @example
 * ```ts
 * const prices = new AsyncCache<string, number>({ maxsize: 512, policy: 'LRU', ttl: 300 })
 * const price = await prices.getOrLoad('ACME', () => quote('ACME'))
 * ```
 */
export class AsyncCache<K = unknown, V = unknown> {
  /** Most entries held at once. */
  readonly maxsize: number
  /** The eviction policy. */
  readonly policy: PolicyName
  /** Default TTL in seconds, or `null` for never. */
  readonly ttl: number | null
  /** Seconds past the TTL during which `getOrLoad` serves stale entries while refreshing them. */
  readonly staleWhileRevalidate: number
  /** The budget `sizeOf` counts against, or `null` when only `maxsize` bounds the cache. */
  readonly maxSize: number | null
  /** The label the devtools show. */
  readonly name: string | undefined
  /** The cache's clock in milliseconds; every expiry and event time is on it. */
  readonly now: () => number
  /**
   * How to load a key again with no caller asking, set by the layer whose loads fill the cache
   * (`cachedFetch` sets it), for tools: the devtools' Refresh calls it. `undefined`: nothing
   * but the app can reload this cache's keys.
   */
  reloader: ((key: K) => Promise<unknown>) | undefined = undefined
  /**
   * How tools read a key, set by the layer that makes the keys: the `asyncCache` wrapper's read
   * as calls, `fetchProduct(7)`. `undefined`: as the core's `describeKey(key)` reads them.
   */
  describeKey: ((key: K) => string) | undefined = undefined

  readonly #ttlMs: number
  readonly #swrMs: number
  readonly #order: Policy
  readonly #index = new Map<K, number>()
  readonly #keys: (K | undefined)[] = []
  readonly #values: (V | undefined)[] = []
  readonly #stats = new Counters()
  readonly #loads: Loads<K, V>
  /**
   * Per slot: a promise already resolved with the value, made by the first `getOrLoad` hit on
   * it and handed to the next ones, so that a hit allocates nothing. Cleared with the value;
   * null until `getOrLoad` first hits, so that `get`/`set` alone never read it.
   */
  #resolved: (Promise<V> | undefined)[] | null = null
  /** Vacated slots, reused before new ones. */
  readonly #free: number[] = []
  /** Slots ever handed out, and room for. */
  #used = 0
  #capacity: number
  /** Per slot: expiry on the clock, Infinity for never. Allocated once some entry has a TTL. */
  #expires: Float64Array | null = null
  readonly #sizeOf: ((value: V, key: K) => number) | undefined
  /** Per slot: its `sizeOf`, 0 for a free slot. Allocated only under a `maxSize` budget. */
  #sizes: Float64Array | null = null
  #totalSize = 0
  /** `maxSize`, or Infinity without a budget. */
  readonly #budget: number
  /** Per slot: when it was stored, NaN for unknown. Allocated once TTLs or listeners need it. */
  #born: Float64Array | null = null
  /** Layers' additions to inspect(); copied on write like the listeners. */
  #inspectors: ((key: K) => Partial<EntryAnnotations>)[] = []
  readonly #listeners = new ListenerList<CacheEvent<K, V>>()
  /**
   * Evictions made while a call is still changing the cache, told by #announce once it is
   * complete (a listener may use the cache). Filled only while someone listens.
   */
  readonly #pending: CacheEventInit<K, V>[] = []

  constructor(options: AsyncCacheOptions<K, V>) {
    if (options === null || typeof options !== 'object') {
      throw new TypeError(
        `AsyncCache options must be an object such as { maxsize: 100 }, got ${String(options)}`,
      )
    }
    this.maxsize = checkMaxsize(options.maxsize)
    this.policy = checkPolicy(options.policy)
    this.ttl = checkSeconds('ttl', options.ttl, true)
    this.staleWhileRevalidate = checkSeconds(
      'staleWhileRevalidate',
      options.staleWhileRevalidate,
      false,
    ) as number
    this.maxSize =
      options.maxSize === undefined
        ? null
        : checkNumber('maxSize', options.maxSize, {
            integer: true,
            min: 1,
            max: Number.MAX_SAFE_INTEGER,
            allowed: 'a positive whole number (the budget sizeOf counts against)',
          })
    checkType('sizeOf', options.sizeOf, 'function')
    if ((this.maxSize === null) !== (options.sizeOf === undefined)) {
      throw new TypeError('maxSize and sizeOf go together: give both, or neither')
    }
    this.#sizeOf = options.sizeOf
    this.#budget = this.maxSize ?? Infinity
    checkType('name', options.name, 'string')
    checkType('now', options.now, 'function')
    this.name = options.name
    this.now = options.now ?? wallClock()
    this.#ttlMs = this.ttl === null ? 0 : this.ttl * 1000
    this.#swrMs = this.staleWhileRevalidate * 1000
    this.#capacity = Math.min(this.maxsize, INITIAL_CAPACITY)
    this.#order =
      this.policy === 'LRU'
        ? new LRU(this.#capacity)
        : this.policy === 'LFU'
          ? new LFU(this.#capacity)
          : new Adaptive(this.#capacity, this.maxsize)
    if (this.#ttlMs > 0) this.#track(true)
    if (this.maxSize !== null) this.#sizes = new Float64Array(this.#capacity)
    this.#loads = new Loads({
      serve: (key, loader) => this.#serve(key, loader),
      ttl: (seconds) => (seconds === undefined ? this.#ttlMs : ttlMs(seconds)),
      store: (key, value, ttl) => this.#store(key, value, ttl),
      count: (key, hit) => this.#count(key, hit),
      listening: () => this.#listeners.size > 0,
      emit: (event) => this.#emit(event),
      profile: (ns) => this.updateProfiling(ns),
    })
    registerCache(this)
  }

  /** Entries held, including expired ones not yet met (see {@link purgeExpired}). */
  get size(): number {
    return this.#index.size
  }

  /**
   * The value of a fresh entry, counting a hit and marking it used; otherwise `undefined`,
   * counting a miss. An expired entry is removed (a stale one is kept for `getOrLoad`).
   */
  get(key: K): V | undefined {
    const i = this.#index.get(key)
    if (i !== undefined) {
      if (this.#meet(i) === FRESH) {
        // Read before the hit event: a listener may change the cache.
        const value = this.#values[i]
        this.#order.touch(i)
        this.#count(key, true)
        return value
      }
      this.#announce()
    }
    this.#count(key, false)
    return undefined
  }

  /** The value of a fresh entry, without counting or marking a use. */
  peek(key: K): V | undefined {
    const i = this.#index.get(key)
    if (i === undefined) return undefined
    if (this.#meet(i) === FRESH) return this.#values[i]
    this.#announce()
    return undefined
  }

  /** Whether a fresh entry exists (also for a stored `undefined`), without counting or marking a use. */
  has(key: K): boolean {
    const i = this.#index.get(key)
    if (i === undefined) return false
    if (this.#meet(i) === FRESH) return true
    this.#announce()
    return false
  }

  /**
   * Stores a value. On an existing key this replaces the value, restarts its TTL and, as in the
   * Python original, counts as a use; an expired entry is gone first, so this makes a new one.
   * A load in flight for the key will not overwrite it.
   */
  set(key: K, value: V, options?: SetOptions): this {
    const ttl = options?.ttl === undefined ? this.#ttlMs : ttlMs(options.ttl)
    const stamped = ttl > 0 || this.#born !== null
    const listening = this.#listeners.size > 0
    // One reading of the clock serves every decision, the stamp and every event of this call.
    const now = stamped || listening ? this.now() : undefined
    // Measured first: a value the cache refuses to measure leaves everything as it was.
    const size = this.#sizes === null ? 0 : this.#measure(value, key)
    if (this.#loads.busy) this.#loads.supersede(key)
    if (size > this.#budget) {
      this.#refuse(key, now)
      return this
    }
    let i = this.#live(key, now)
    if (i === undefined) {
      i = this.#insert(key, value, 1, size, false, now)
    } else {
      this.#setValue(i, value, size)
      this.#order.touch(i)
    }
    if (stamped) this.#stamp(i, ttl, now)
    if (this.#totalSize > this.#budget) this.#fit(i, now)
    if (listening) {
      this.#announce(now)
      this.#emit({ type: 'set', key, value }, now)
    }
    return this
  }

  /**
   * Removes an entry; true if there was one (an expired entry is not: it leaves as an
   * eviction). A load in flight for the key will not store its result. The `delete` event goes
   * out either way (`existed` tells which), for layers that hold the key elsewhere.
   */
  delete(key: K): boolean {
    if (this.#loads.busy) this.#loads.supersede(key)
    const i = this.#live(key)
    if (i !== undefined) this.#remove(i)
    // Told even when nothing was held: a layer may hold the key elsewhere (on disk, restoring).
    // An expired entry it met is told after, so that a listener re-setting the key comes last.
    if (this.#listeners.size > 0) this.#emit({ type: 'delete', key, existed: i !== undefined })
    this.#announce()
    return i !== undefined
  }

  /** Removes every entry and resets every statistic, as the Python original does. */
  clear(): void {
    const count = this.#index.size
    this.#loads.clear()
    this.#index.clear()
    this.#keys.length = this.#values.length = 0
    this.#resolved = null
    this.#free.length = this.#used = this.#totalSize = 0
    this.#sizes?.fill(0)
    this.#order.clear()
    this.#stats.reset()
    if (this.#listeners.size > 0) this.#emit({ type: 'clear', count })
  }

  /** Zeroes hits, misses, evictions and timings, keeping the entries. */
  resetStats(): void {
    this.#stats.reset()
    if (this.#listeners.size > 0) this.#emit({ type: 'stats-reset' })
  }

  /**
   * Ends an entry's freshness now, keeping its value: the next `getOrLoad` of the key reloads it
   * (serving the value meanwhile inside the stale-while-revalidate window; without one it is
   * expired, a miss). True if there was a fresh or stale entry. Emits `expire`.
   */
  expire(key: K): boolean {
    const now = this.now()
    const i = this.#live(key, now)
    if (i === undefined) {
      this.#announce(now)
      return false
    }
    this.#track(true)
    ;(this.#expires as Float64Array)[i] = Math.min((this.#expires as Float64Array)[i], now)
    // Told, so that what shows the key (a hook, the devtools) learns it is stale now.
    if (this.#listeners.size > 0) this.#emit({ type: 'expire', key }, now)
    return true
  }

  /** Removes every expired entry now (stale ones stay); returns how many left. */
  purgeExpired(): number {
    return this.#purge()
  }

  /** {@link purgeExpired} at `now`: a walk purges with the reading it took (see #purged). */
  #purge(now?: number): number {
    if (this.#expires === null) return 0
    const t = now ?? this.now()
    // Found first, removed after: an evict listener may change the cache under a walk.
    const expired: number[] = []
    for (let i = this.#order.coldest(); i !== -1; i = this.#order.hotter(i)) {
      if (this.#state(i, t) === EXPIRED) expired.push(i)
    }
    let removed = 0
    for (const i of expired) {
      if (this.#holds(i) && this.#state(i, t) === EXPIRED) {
        this.#evict(i, 'expired')
        removed++
      }
    }
    return removed
  }

  /**
   * The cached value, or the value `loader` produces, loaded once per key however many callers
   * ask at the same time (single-flight).
   *
   * - A fresh entry resolves at once (a hit).
   * - A miss runs `loader(signal)` (a miss); callers arriving while it runs join it (hits), so
   *   misses equal loader runs. The run time is recorded with {@link updateProfiling}.
   * - A fulfilled value is stored, unless a `set`, `delete` or `clear` of the key happened
   *   meanwhile; a rejection is never stored: every waiter gets it and the next call loads again.
   * - An entry inside the stale-while-revalidate window resolves at once (a hit and a `stale`
   *   event) and is refreshed by one background load, whose failure keeps the stale entry.
   * - `options.signal` aborting rejects this caller with `signal.reason`; once every caller has
   *   left, the loader's own signal aborts and the next call starts a fresh load.
   */
  getOrLoad(key: K, loader: Loader<V>, options?: LoadOptions): Promise<V> {
    const signal = options?.signal
    if (signal?.aborted) return Promise.reject(signal.reason)
    if (options?.refresh !== true) {
      const served = this.#serve(key, loader)
      if (served !== undefined) return served
    }
    return this.#loads.join(key, loader, signal, options?.refresh === true)
  }

  /**
   * `getOrLoad`'s hit alone: a fresh entry's value as a resolved promise, counted as a hit and
   * marked used, or `undefined` (counting nothing) when `getOrLoad` would have to load, join a
   * load or refresh a stale entry. For wrappers that build their loader only on a miss.
   */
  hit(key: K): Promise<V> | undefined {
    const i = this.#index.get(key)
    return i !== undefined && this.#state(i) === FRESH ? this.#served(i, key) : undefined
  }

  /**
   * Makes misses wait until `until` settles, at most `timeoutMs` (0 to 2^31 - 1, a timer's
   * range), before they load: for a layer that is restoring entries (persistence hydrating
   * after a reload), so that a key it brings back is served from it rather than loaded again.
   * A miss meanwhile is registered at once (callers of the same key join it) and is counted,
   * as a hit or a miss, when the wait ends.
   */
  holdLoads(until: PromiseLike<unknown>, timeoutMs: number): void {
    this.#loads.hold(until, timeoutMs)
  }

  /** Records one execution time sample, in nanoseconds, as the Python original's `update_profiling`. */
  updateProfiling(execTimeNs: number): void {
    this.#stats.sample(
      checkNumber('updateProfiling: execTimeNs', execTimeNs, {
        min: 0,
        allowed: 'a finite number of nanoseconds >= 0',
      }),
    )
  }

  /** A snapshot of the counters as typed numbers; {@link formatStats} renders the original's dictionary. */
  getStats(): CacheStats {
    return this.#stats.snapshot(
      this.#index.size,
      this.maxsize,
      this.ttl,
      this.#loads.running,
      this.#totalSize,
      this.maxSize,
    )
  }

  /**
   * Calls `listener` with every event, synchronously; returns the function that unsubscribes it.
   * A listener that throws is reported on the console and does not disturb the cache or the
   * other listeners.
   */
  subscribe(listener: CacheListener<K, V>): () => void {
    const unsubscribe = this.#listeners.add(
      listener as (event: CacheEvent<K, V>) => void,
      'subscribe',
    )
    this.#track(false)
    return unsubscribe
  }

  /**
   * Calls `listener` with every event of `key` but `hit` and `miss` (`set`, `delete`, `evict`,
   * `stale`, `expire`, `load-*`, a layer's own such as `revalidated`) and with `clear`, which
   * changes every key; returns the function that stops it. An
   * event reaches only the watchers of its key, found in one map lookup; a cache nobody
   * watches pays nothing for it.
   */
  watch(key: K, listener: CacheListener<K, V>): () => void {
    return watchKey(this, key, listener)
  }

  /**
   * Whether misses are being held (see {@link holdLoads}). Otherwise `getOrLoad` calls its
   * loader at once or never; while they are, it may call it later.
   */
  get holding(): boolean {
    return this.#loads.holding
  }

  /**
   * Settles when misses may load (at once when none are held; see {@link holdLoads}): for a
   * layer that must answer from memory alone (`only-if-cached`), so that it answers after what
   * a restoring layer brings back, not before.
   */
  holdSettled(): Promise<void> {
    return this.#loads.settled()
  }

  /** Whether anyone listens: layers check it before building an event, as the cache does. */
  get listening(): boolean {
    return this.#listeners.size > 0
  }

  /**
   * Publishes an event on this cache's stream, stamped with the cache's clock: how layers
   * (fetch, persistence) put their own events beside the cache's.
   */
  publish(event: CacheEventInit<K, V>): void {
    if (this.#listeners.size > 0) this.#emit(event)
  }

  /** Fresh and stale entries, hottest first, for tools; expired ones met are removed first. */
  inspect(): EntrySnapshot<K, V>[] {
    const now = this.#purged()
    const out: EntrySnapshot<K, V>[] = []
    for (let i = this.#order.hottest(); i !== -1; i = this.#order.colder(i)) {
      const state = this.#state(i, now)
      if (state === EXPIRED) continue
      const expires = this.#expires?.[i] ?? Infinity
      const born = this.#born?.[i] ?? Number.NaN
      out.push({
        key: this.#keys[i] as K,
        value: this.#values[i] as V,
        rank: out.length,
        frequency: this.#order.frequency(i),
        ageMs: Number.isNaN(born) ? null : now - born,
        ttlRemainingMs: expires === Infinity ? null : expires - now,
        stale: state === STALE,
      })
    }
    for (const inspector of this.#inspectors) {
      for (const entry of out) Object.assign(entry, inspector(entry.key))
    }
    return out
  }

  /**
   * Lets a layer annotate every entry {@link inspect} returns (persistence says which are on
   * disk); returns the function that removes it.
   */
  addInspector(inspector: (key: K) => Partial<EntryAnnotations>): () => void {
    if (typeof inspector !== 'function') {
      throw new TypeError(`addInspector: inspector must be a function, got ${typeof inspector}`)
    }
    this.#inspectors = [...this.#inspectors, inspector]
    return () => {
      this.#inspectors = this.#inspectors.filter((i) => i !== inspector)
    }
  }

  /**
   * Every fresh or stale entry with its expiry and LFU frequency, coldest first (restore them
   * in reverse, hottest first); expired ones met are removed first.
   */
  dump(): EntryRecord<K, V>[] {
    const now = this.#purged()
    const out: EntryRecord<K, V>[] = []
    for (let i = this.#order.coldest(); i !== -1; i = this.#order.hotter(i)) {
      if (this.#state(i, now) !== EXPIRED) out.push(this.#record(i))
    }
    return out
  }

  /**
   * The record {@link dump} gives for `key` (value, expiry, LFU frequency) in O(1), without
   * marking a use; `undefined` when the key is absent or expired.
   */
  info(key: K): EntryRecord<K, V> | undefined {
    const i = this.#live(key)
    if (i !== undefined) return this.#record(i)
    this.#announce()
    return undefined
  }

  /**
   * Brings back one entry from elsewhere (a {@link dump}, a disk), with its expiry and LFU use
   * count, under the one rule of restoring: memory is newer than any copy. So a key the cache
   * holds is left as it is (`'held'`); a record past its expiry and stale window is refused
   * (`'expired'`); a restored entry ranks below every entry in memory of its frequency (under
   * LRU, below all of them), and when the cache is full a record that would rank at or below
   * the next victim is refused (`'outranked'`). Restore the hottest record first: each one
   * goes below those before it. Counts nothing and emits no events: nothing was used.
   */
  restore(key: K, value: V, expiresAt: number | null, frequency = 1): RestoreResult {
    const result = this.#restore(key, value, expiresAt, frequency)
    // Evictions it made (an expired entry met, a victim) are told once it is complete.
    this.#announce()
    return result
  }

  #restore(key: K, value: V, expiresAt: number | null, frequency: number): RestoreResult {
    if (expiresAt !== null) {
      checkNumber('restore: expiresAt', expiresAt, {
        max: Infinity,
        allowed: 'a time on the cache clock in ms, or null for never',
      })
    }
    checkNumber('restore: frequency', frequency, {
      integer: true,
      min: 1,
      max: Number.MAX_SAFE_INTEGER,
      allowed: 'a positive integer',
    })
    const now = this.now()
    if (this.#live(key, now) !== undefined) return 'held'
    if (expiresAt !== null && now >= expiresAt + this.#swrMs) return 'expired'
    // Under a size budget a record must fit in the room memory leaves: it ranks below memory.
    const size = this.#sizes === null ? 0 : this.#measure(value, key)
    if (this.#totalSize + size > this.#budget) return 'outranked'
    if (this.#index.size >= this.maxsize) {
      const victim = this.#order.coldest()
      if (!(frequency > (this.#order.frequency(victim) ?? Infinity))) return 'outranked'
      this.#drop(victim, this.#state(victim, now) === EXPIRED ? 'expired' : 'capacity')
    }
    const i = this.#insert(key, value, frequency, size, true)
    if (expiresAt !== null && expiresAt !== Infinity) this.#track(true)
    if (this.#expires !== null) this.#expires[i] = expiresAt ?? Infinity
    if (this.#born !== null) this.#born[i] = Number.NaN
    return 'restored'
  }

  #record(i: number): EntryRecord<K, V> {
    const expires = this.#expires?.[i] ?? Infinity
    const frequency = this.#order.frequency(i)
    return {
      key: this.#keys[i] as K,
      value: this.#values[i] as V,
      expiresAt: expires === Infinity ? null : expires,
      ...(frequency === undefined ? {} : { frequency }),
    }
  }

  /**
   * Fresh keys, hottest first, without marking use, each judged fresh when the walk reaches it;
   * expired entries met are removed before the walk starts. Do not modify the cache while
   * iterating.
   */
  *keys(): IterableIterator<K> {
    for (const i of this.#freshSlots()) yield this.#keys[i] as K
  }

  /** Fresh values, hottest first. */
  *values(): IterableIterator<V> {
    for (const i of this.#freshSlots()) yield this.#values[i] as V
  }

  /** Fresh `[key, value]` pairs, hottest first. */
  *entries(): IterableIterator<[K, V]> {
    for (const i of this.#freshSlots()) yield [this.#keys[i] as K, this.#values[i] as V]
  }

  /** Same as {@link entries}. */
  [Symbol.iterator](): IterableIterator<[K, V]> {
    return this.entries()
  }

  *#freshSlots(): Generator<number> {
    let now = this.#purged()
    for (let i = this.#order.hottest(); i !== -1; i = this.#order.colder(i)) {
      if (this.#state(i, now) !== FRESH) continue
      yield i
      // Its consumer may take any time before the next step: what comes next is judged then.
      if (this.#expires !== null) now = this.now()
    }
  }

  /**
   * Purges expired entries for a walk, and returns the reading the walk judges the rest by: read
   * again once the purge told evict listeners, which may move the clock or store entries.
   */
  #purged(): number {
    const now = this.now()
    return this.#purge(now) > 0 && this.#listeners.size > 0 ? this.now() : now
  }

  /** The slot of `key` if it holds a fresh or stale entry; an expired one met here is removed. */
  #live(key: K, now?: number): number | undefined {
    const i = this.#index.get(key)
    return i === undefined || this.#meet(i, now) === EXPIRED ? undefined : i
  }

  /**
   * FRESH, STALE or EXPIRED, as a lookup meets slot `i`: an expired entry is removed here, so
   * that its bookkeeping never outlives it (the original leaked its expiry table and evicted
   * the wrong key here) and a later `set` makes a new entry.
   */
  #meet(i: number, now?: number): number {
    const state = this.#state(i, now)
    if (state === EXPIRED) this.#drop(i, 'expired')
    return state
  }

  /**
   * FRESH, STALE or EXPIRED at `now`, and nothing else: #meet is the one that removes. A call
   * that decides more than once passes the one reading of the clock it took (a read costs more
   * than the rest of a hit); otherwise the clock is read here, only for an entry that expires.
   */
  #state(i: number, now?: number): number {
    const expires = this.#expires === null ? Infinity : this.#expires[i]
    if (expires === Infinity) return FRESH
    const t = now ?? this.now()
    return t < expires ? FRESH : t < expires + this.#swrMs ? STALE : EXPIRED
  }

  /** Puts a new entry in a free slot, evicting the policy's victim when the cache is full. */
  #insert(
    key: K,
    value: V,
    frequency: number,
    size: number,
    restored = false,
    now?: number,
  ): number {
    let i: number
    if (this.#free.length > 0) {
      i = this.#free.pop() as number
    } else if (this.#used < this.#capacity) {
      i = this.#used++
    } else if (this.#capacity < this.maxsize) {
      this.#grow()
      i = this.#used++
    } else {
      // Full: the victim's slot is taken over as it is, no trip through the free list. Its
      // eviction is told by the caller, once the new entry is complete (#announce).
      i = this.#order.coldest()
      const reason = this.#state(i, now) === EXPIRED ? 'expired' : 'capacity'
      this.#tellLater(i, reason)
      this.#unlink(i, reason)
    }
    this.#index.set(key, i)
    this.#keys[i] = key
    this.#setValue(i, value, size)
    if (restored) this.#order.restore(i, frequency, key)
    else this.#order.add(i, frequency, key)
    return i
  }

  /** Tells the listeners of the evictions the call in progress made, now that it is complete. */
  #announce(now?: number): void {
    while (this.#pending.length > 0) {
      this.#emit(this.#pending.shift() as CacheEventInit<K, V>, now)
    }
  }

  /** Records when slot `i` was stored and when it expires. */
  #stamp(i: number, ttlMs: number, now = this.now()): void {
    if (ttlMs > 0 && this.#expires === null) this.#track(true)
    if (this.#born === null) return
    this.#born[i] = now
    if (this.#expires !== null) this.#expires[i] = ttlMs > 0 ? now + ttlMs : Infinity
  }

  /** Starts keeping ages (for tools) and, with `expiry`, expiries; an expiry needs the time stored. */
  #track(expiry: boolean): void {
    this.#born ??= new Float64Array(this.#capacity).fill(Number.NaN)
    if (expiry) this.#expires ??= new Float64Array(this.#capacity).fill(Infinity)
  }

  #grow(): void {
    this.#capacity = Math.min(this.maxsize, this.#capacity * 2)
    this.#order.grow(this.#capacity)
    if (this.#expires !== null) this.#expires = grown(this.#expires, this.#capacity)
    if (this.#born !== null) this.#born = grown(this.#born, this.#capacity)
    if (this.#sizes !== null) this.#sizes = grown(this.#sizes, this.#capacity)
  }

  /** Evicts slot `i` and tells it at once: for callers with nothing else in progress. */
  #evict(i: number, reason: EvictReason): void {
    this.#drop(i, reason)
    this.#announce()
  }

  /** Evicts slot `i`, its event kept for #announce: the call in progress may not be complete. */
  #drop(i: number, reason: EvictReason): void {
    this.#tellLater(i, reason)
    this.#unlink(i, reason)
    this.#release(i)
  }

  /** Keeps the eviction of slot `i` for #announce, while someone listens. */
  #tellLater(i: number, reason: EvictReason): void {
    if (this.#listeners.size === 0) return
    this.#pending.push({
      type: 'evict',
      key: this.#keys[i] as K,
      value: this.#values[i] as V,
      reason,
    })
  }

  /**
   * Takes slot `i` out of the index and the policy, counting an eviction's reason; returns its
   * key. The slot keeps its contents, and nothing is told yet: events go out once the cache is
   * whole again, since a listener may use it.
   */
  #unlink(i: number, reason: EvictReason | undefined): K {
    const key = this.#keys[i] as K
    this.#order.remove(i)
    this.#index.delete(key)
    if (this.#sizes !== null) {
      this.#totalSize -= this.#sizes[i]
      this.#sizes[i] = 0
    }
    if (reason === 'capacity') this.#stats.evictedCapacity++
    else if (reason === 'expired') this.#stats.evictedExpired++
    return key
  }

  /** Whether slot `i` holds an entry (and not a freed or reused slot's leftovers). */
  #holds(i: number): boolean {
    return this.#index.get(this.#keys[i] as K) === i
  }

  /** Empties slot `i` (so that its key and value can be collected) and offers it for reuse. */
  #release(i: number): void {
    this.#keys[i] = undefined
    this.#setValue(i, undefined, 0)
    if (this.#expires !== null) this.#expires[i] = Infinity
    this.#free.push(i)
  }

  #remove(i: number): void {
    this.#unlink(i, undefined)
    this.#release(i)
  }

  #setValue(i: number, value: V | undefined, size: number): void {
    this.#values[i] = value
    if (this.#resolved !== null && this.#resolved[i] !== undefined) this.#resolved[i] = undefined
    if (this.#sizes !== null) {
      this.#totalSize += size - this.#sizes[i]
      this.#sizes[i] = size
    }
  }

  /** `sizeOf(value, key)`, checked: a bad size is the caller's error, never a corrupt total. */
  #measure(value: V, key: K): number {
    // Whole numbers keep the running total exact: fractions would drift with every change.
    return checkNumber('sizeOf', (this.#sizeOf as (value: V, key: K) => number)(value, key), {
      integer: true,
      min: 0,
      max: Number.MAX_SAFE_INTEGER,
      allowed: 'a whole number, 0 or more',
    })
  }

  /** A value larger than the whole budget is not stored; the key's old value goes with it. */
  #refuse(key: K, now?: number): void {
    const i = this.#live(key, now)
    if (i !== undefined) this.#drop(i, 'capacity')
    this.#announce(now)
  }

  /** Evicts the policy's victims, never slot `kept` (the entry just stored), until the total fits. */
  #fit(kept: number, now?: number): void {
    while (this.#totalSize > this.#budget) {
      let victim = this.#order.coldest()
      if (victim === kept) victim = this.#order.hotter(kept)
      if (victim === -1) return
      this.#drop(victim, this.#state(victim, now) === EXPIRED ? 'expired' : 'capacity')
    }
  }

  #emit(init: CacheEventInit<K, V>, now = this.now()): void {
    const event = init as CacheEvent<K, V>
    event.time = now
    this.#listeners.tell(event, `a listener threw on a '${event.type}' event`)
  }

  /** Counts a lookup as a hit or a miss, and tells the listeners. */
  #count(key: K, hit: boolean): void {
    if (hit) this.#stats.hits++
    else this.#stats.misses++
    if (this.#listeners.size > 0) this.#emit({ type: hit ? 'hit' : 'miss', key })
  }

  /**
   * The value of `key` as a resolved promise if `getOrLoad` can serve it from memory, counting
   * the hit, marking the use and starting the refresh of a stale entry; `undefined` otherwise.
   */
  #serve(key: K, loader: Loader<V>): Promise<V> | undefined {
    const i = this.#index.get(key)
    // One lookup decides: fresh, stale (served while it refreshes) or gone.
    const state = i === undefined ? EXPIRED : this.#meet(i)
    if (state === EXPIRED) {
      this.#announce()
      return undefined
    }
    const value = this.#served(i as number, key)
    if (state === STALE) this.#loads.revalidate(key, loader)
    return value
  }

  /** Slot `i`'s value as a resolved promise, counted as a hit and marked used. */
  #served(i: number, key: K): Promise<V> {
    // Taken before the events: a listener (or a refresh's loader) may change the cache.
    this.#resolved ??= []
    this.#resolved[i] ??= Promise.resolve(this.#values[i] as V)
    const value = this.#resolved[i]
    this.#order.touch(i)
    this.#count(key, true)
    return value
  }

  /** Stores a loaded value without counting a use: loading is not using. */
  #store(key: K, value: V, ttl: number): void {
    const size = this.#sizes === null ? 0 : this.#measure(value, key)
    const now = this.now()
    if (size > this.#budget) {
      this.#refuse(key, now)
      return
    }
    let i = this.#live(key, now)
    if (i === undefined) i = this.#insert(key, value, 1, size, false, now)
    else this.#setValue(i, value, size)
    this.#stamp(i, ttl, now)
    if (this.#totalSize > this.#budget) this.#fit(i, now)
    if (this.#listeners.size > 0) {
      this.#announce(now)
      this.#emit({ type: 'set', key, value }, now)
    }
  }
}
