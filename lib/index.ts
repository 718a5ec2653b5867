export type { EntryAnnotations, EntryRecord, EntrySnapshot, RestoreResult } from './cache.js'
export { AsyncCache } from './cache.js'
export type { NumberRule } from './check.js'
export { checkDelay, checkNumber, checkType, describe, MAX_DELAY_MS } from './check.js'
export { dehydrate, hydrate } from './dehydrate.js'
export type {
  CacheEvent,
  CacheEventInit,
  CacheEventMap,
  CacheEventType,
  CacheListener,
  EvictReason,
} from './events.js'
export type { HashKey } from './keys.js'
export {
  describeKey,
  HashableWrapper,
  hasIdentity,
  isContentKey,
  isIterable,
  isMapping,
  makeHashable,
} from './keys.js'
export type { LoadContext, Loader, LoadOptions } from './loading.js'
export type {
  Observable,
  ObserveOptions,
  Observer,
  ObserverSnapshot,
  ObserverStatus,
} from './observe.js'
export { observe } from './observe.js'
export type { AsyncCacheOptions, SetOptions } from './options.js'
export type { PolicyName } from './policy.js'
export { listCaches, onCachesChange, unregisterCache } from './registry.js'
export type { RetryOption, RetryOptions, RetryPolicy } from './retry.js'
export { retryDelay, retryPolicy, wait } from './retry.js'
export type { CacheStats, FormattedStats } from './stats.js'
export { formatStats } from './stats.js'
export type { AsyncCacheDecorator, AsyncCacheWrapperOptions, CachedFunction } from './wrap.js'
export { asyncCache, cacheOf } from './wrap.js'
