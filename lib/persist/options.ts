import type { AsyncCache } from '../cache.js'
import type { Version } from './record.js'
import { type Schedule, timeout } from './schedule.js'
import type { StoreFactory } from './store.js'

/** How {@link persist} mirrors a cache. */
export interface PersistOptions<K, V> {
  /**
   * Names the IndexedDB database (`asynccache:<name>`) and the channel tabs share. Default: the
   * cache's `name`. Two caches persisted under one name share their data.
   */
  name?: string
  /**
   * The version of the data's shape (default `1`). Records written under another version are
   * dropped at hydration rather than misread: change it when the values change meaning.
   */
  version?: Version
  /** Which entries may be written: false keeps an entry in memory only (for data that must not touch the disk). */
  filter?: (key: K, value: V) => boolean
  /** Milliseconds from a change to the write of its batch (default 100): one transaction per window. */
  flushWindow?: number
  /**
   * Longest time, in ms, that the cache's misses wait for hydration before loading anyway
   * (default 1000): a key that comes back from disk meanwhile is served from it.
   */
  hydrationWait?: number
  /** Keep other tabs of this origin that persist the same name coherent (default true). */
  tabs?: boolean
  /** Timer used for flush windows; tests inject their own. Default `setTimeout`. */
  schedule?: Schedule
  /**
   * Builds the idb-keyval store (default idb-keyval's `createStore`): for instrumentation and
   * tests, such as counting transactions or injecting faults.
   */
  createStore?: StoreFactory
}

/** Every option, checked and defaulted. */
export interface ResolvedOptions<K, V> {
  name: string
  version: Version
  filter: ((key: K, value: V) => boolean) | undefined
  flushWindow: number
  hydrationWait: number
  tabs: boolean
  schedule: Schedule
  createStore: StoreFactory | undefined
}

function milliseconds(name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback
  if (typeof value !== 'number' || !(value >= 0) || value === Infinity) {
    throw new RangeError(
      `persist: ${name} must be a number of milliseconds >= 0, got ${String(value)}`,
    )
  }
  return value
}

function optional<T>(name: string, value: unknown, type: 'function' | 'boolean'): T | undefined {
  if (value !== undefined && typeof value !== type) {
    throw new TypeError(`persist: ${name} must be a ${type}, got ${typeof value}`)
  }
  return value as T | undefined
}

/** Checks `options` against `cache`; throws a TypeError or RangeError naming what is wrong. */
export function resolveOptions<K, V>(
  cache: AsyncCache<K, V>,
  options: PersistOptions<K, V> = {},
): ResolvedOptions<K, V> {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(
      `persist: options must be an object such as { name: 'api' }, got ${String(options)}`,
    )
  }
  const name = options.name ?? cache.name
  if (typeof name !== 'string' || name === '') {
    throw new TypeError(
      `persist: options.name must be a non-empty string naming the database (or the cache must have a name), got ${String(name)}`,
    )
  }
  const version = options.version ?? 1
  if (typeof version !== 'number' && typeof version !== 'string') {
    throw new TypeError(
      `persist: options.version must be a number or a string, got ${typeof version}`,
    )
  }
  return {
    name,
    version,
    filter: optional('options.filter', options.filter, 'function'),
    flushWindow: milliseconds('options.flushWindow', options.flushWindow, 100),
    hydrationWait: milliseconds('options.hydrationWait', options.hydrationWait, 1000),
    tabs: optional<boolean>('options.tabs', options.tabs, 'boolean') ?? true,
    schedule: optional<Schedule>('options.schedule', options.schedule, 'function') ?? timeout,
    createStore: optional('options.createStore', options.createStore, 'function'),
  }
}
