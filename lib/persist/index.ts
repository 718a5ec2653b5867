/**
 * `asynccache/persist`: mirrors an {@link AsyncCache} into IndexedDB through idb-keyval, so a
 * reload starts warm. Importing it touches no browser global; only {@link persist} does.
 */

import type { HashKey } from '../index.js'
import './events.js'

/**
 * A key persistence can store: the core's {@link HashKey} (one type, one predicate:
 * `isContentKey` tells the keys without an identity part). Kept as a name for existing code.
 * @deprecated Use `HashKey` from 'asynccache'.
 */
export type DiskableKey = HashKey
export type { PersistOptions } from './options.js'
export type { PersistHandle, PersistStatus } from './persist.js'
export { persist } from './persist.js'
export type { Version } from './record.js'
export type { Schedule } from './schedule.js'
export type { StoreFactory } from './store.js'
export type { TabContext, TabLink, Tabs } from './tabs.js'
export { tabCoherence } from './tabs.js'
