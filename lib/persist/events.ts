/**
 * The persistence layer's events, on the cache's own stream (so the devtools show them):
 * `persist-hydrated`, `persist-flushed` and `persist-error`.
 */

declare module '../events.js' {
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
}

export {}
