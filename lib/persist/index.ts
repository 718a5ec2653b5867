/**
 * `asynccache/persist`: mirrors an {@link AsyncCache} into IndexedDB through idb-keyval, so a
 * reload starts warm. Importing it touches no browser global; only {@link persist} does.
 */

import './events.js'

export type { HashKey as DiskableKey } from '../index.js'
export type { PersistOptions } from './options.js'
export type { PersistHandle, PersistStatus } from './persist.js'
export { persist } from './persist.js'
export type { Version } from './record.js'
export type { Schedule } from './schedule.js'
export type { StoreFactory } from './store.js'
export type { TabContext, TabLink, Tabs } from './tabs.js'
export { tabCoherence } from './tabs.js'
