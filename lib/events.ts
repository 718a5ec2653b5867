/** Why an entry left the cache without being deleted: room was needed, or its time ran out. */
export type EvictReason = 'capacity' | 'expired'

/**
 * Every event a cache publishes, by type, without the fields all events share (`type`, `time`).
 *
 * Layers built on the cache add their own events by augmenting this interface, so one stream
 * carries them all and listeners stay exhaustively typed:
 *
 * ```ts
 * declare module 'asynccache' {
 *   interface CacheEventMap<K, V> { 'sync-error': { key: K; reason: string } }
 * }
 * ```
 */
export interface CacheEventMap<K, V> {
  /** `get` or `getOrLoad` found a fresh entry, or joined a load in flight. */
  hit: { key: K }
  /** `get` or `getOrLoad` found nothing usable. */
  miss: { key: K }
  /** An entry was stored (by `set`, or by a finished load). */
  set: { key: K; value: V }
  /** An entry left because the cache was full or because it expired. */
  evict: { key: K; value: V; reason: EvictReason }
  /** `delete` was called: it removed an entry (`existed`) or found none. */
  delete: { key: K; existed: boolean }
  /** `clear` removed every entry (`count` of them) and reset the statistics. */
  clear: { count: number }
  /** `resetStats` zeroed the statistics. */
  'stats-reset': Record<never, never>
  /** `getOrLoad` served an entry past its TTL and started (or joined) its refresh. */
  stale: { key: K }
  /** `expire(key)` ended an entry's freshness now, keeping its value (see `AsyncCache.expire`). */
  expire: { key: K }
  /** A loader started. */
  'load-start': { key: K }
  /** A loader fulfilled after `durationMs`. */
  'load-success': { key: K; durationMs: number }
  /** A loader rejected (or was abandoned by every caller) after `durationMs`. */
  'load-error': { key: K; error: unknown; durationMs: number }
  /** A try of a retried load (`attempt`: 1 for the first) rejected; the next starts after `delayMs`. */
  'load-retry': { key: K; attempt: number; error: unknown; delayMs: number }
}

/** The type names of all events, core and layered. */
export type CacheEventType = keyof CacheEventMap<unknown, unknown>

/** One event: a `type` from {@link CacheEventMap}, its fields, and `time` on the cache's clock (ms). */
export type CacheEvent<K = unknown, V = unknown> = {
  [T in keyof CacheEventMap<K, V>]: { type: T; time: number } & CacheEventMap<K, V>[T]
}[keyof CacheEventMap<K, V>]

/** An event as a publisher hands it over: the cache stamps `time`. */
export type CacheEventInit<K = unknown, V = unknown> = {
  [T in keyof CacheEventMap<K, V>]: { type: T } & CacheEventMap<K, V>[T]
}[keyof CacheEventMap<K, V>]

/** Receives every event of a cache, synchronously, in order. */
export type CacheListener<K = unknown, V = unknown> = (event: CacheEvent<K, V>) => void
