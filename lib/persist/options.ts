import { type AsyncCache, checkDelay, checkNumber, checkType, describe } from '../index.js'
import type { Version } from './record.js'
import { type Schedule, timeout } from './schedule.js'
import type { StoreFactory } from './store.js'
import type { Tabs } from './tabs.js'

/** How {@link persist} mirrors a cache. An option given as `undefined` takes its default. */
export interface PersistOptions<K, V> {
  /**
   * Names the IndexedDB database (`asynccache:<name>`) and the channel tabs share. Default: the
   * cache's `name`. Two caches persisted under one name share their data.
   */
  name?: string
  /**
   * The version of the data's shape: a string or a finite number (default `1`). Records written
   * under another version are dropped at hydration rather than misread: change it when the
   * values change meaning.
   */
  version?: Version
  /** Which entries may be written: false keeps an entry in memory only (for data that must not touch the disk). */
  filter?: (key: K, value: V) => boolean
  /** Milliseconds from a change to the write of its batch (default 100, at most 2^31 - 1): one transaction per window. */
  flushWindow?: number
  /**
   * Longest time, in ms, that the cache's misses wait for hydration before loading anyway
   * (default 1000, at most 2^31 - 1): a key that comes back from disk meanwhile is served from it.
   */
  hydrationWait?: number
  /**
   * Keeps other tabs of this origin that persist the same name coherent: `tabCoherence()`.
   * Default: off (`false`), so that an app with one tab does not ship it.
   */
  tabs?: Tabs | false
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
  tabs: Tabs | undefined
  schedule: Schedule
  createStore: StoreFactory | undefined
}

/** Checks `options` against `cache`; throws a TypeError or RangeError naming what is wrong. */
export function resolveOptions<K, V>(
  cache: AsyncCache<K, V>,
  options: PersistOptions<K, V> = {},
): ResolvedOptions<K, V> {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`persist: options must be an object, got ${describe(options)}`)
  }
  const { filter, schedule, createStore, tabs } = options
  const name = options.name ?? cache.name
  if (typeof name !== 'string' || name === '') {
    throw new TypeError(
      `persist: options.name must be a non-empty string (or the cache must have a name), got ${describe(name)}`,
    )
  }
  const version = options.version ?? 1
  if (typeof version !== 'string') {
    checkNumber('persist: options.version', version, {
      min: -Number.MAX_VALUE,
      allowed: 'a string or a finite number',
    })
  }
  checkType('persist: options.filter', filter, 'function')
  checkType('persist: options.schedule', schedule, 'function')
  checkType('persist: options.createStore', createStore, 'function')
  if (tabs !== false) checkType('persist: options.tabs (tabCoherence() or false)', tabs, 'function')
  return {
    name,
    version,
    filter,
    flushWindow: checkDelay('persist: options.flushWindow', options.flushWindow, 100),
    hydrationWait: checkDelay('persist: options.hydrationWait', options.hydrationWait, 1000),
    tabs: tabs || undefined,
    schedule: schedule ?? timeout,
    createStore,
  }
}
