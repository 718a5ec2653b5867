/**
 * What the persistence layer adds to the cache's types: its events, on the cache's own stream
 * (so the devtools show them): `persist-hydrated`, `persist-flushed` and `persist-error`; and
 * the `persisted` annotation of each entry `cache.inspect()` returns.
 */

declare module '../index.js' {
  interface CacheEventMap<K, V> {
    /** Hydration finished: `count` entries came back from disk. */
    'persist-hydrated': { count: number }
    /** One batch reached disk: `count` keys written or deleted in one transaction. */
    'persist-flushed': { count: number }
    /**
     * Storage failed; the memory cache is unaffected. `key` names the entry that stays in memory
     * only, when the failure concerns one entry (a value that cannot be cloned).
     */
    'persist-error': { key?: K; reason: string }
  }

  interface EntryAnnotations {
    /**
     * Set while the cache is persisted: whether the entry's current value is on disk (written
     * by a completed flush, or hydrated, and not changed since). `false` for a change not
     * flushed yet, an entry the `filter` keeps off disk, a key with an identity part, or a value
     * that could not be cloned.
     */
    persisted?: boolean
  }
}

export {}
