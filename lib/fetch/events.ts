/**
 * The fetch layer's events, on the cache's own stream beside the core's (so the devtools list
 * them), keyed as the cache is: a GET by its absolute URL.
 */
// The core's event map, augmented where it is declared (augmenting through the re-export of
// '../index.js' does not merge).
declare module '../events.js' {
  interface CacheEventMap<K, V> {
    /**
     * A stored response was revalidated with a conditional request. `notModified`: the server
     * answered 304, the stored body was kept and `bytesSaved` bytes were not downloaded;
     * otherwise it sent a new response (`bytesSaved` 0).
     */
    revalidated: { key: K; notModified: boolean; bytesSaved: number }
    /**
     * A request failed with a network error (`error`) or a retried status (`status`) and is
     * sent again after `delayMs`: `attempt` 1 for the first retry.
     */
    'fetch-retry': {
      key: K
      attempt: number
      delayMs: number
      status: number | undefined
      error: unknown
    }
    /**
     * A revalidation failed with a network error (`error`) or a 500, 502, 503 or 504
     * (`status`), and `stale-if-error` answered with the stored response.
     */
    'stale-if-error': { key: K; status: number | undefined; error: unknown }
    /**
     * A load's response arrived: its HTTP `status`, and whether the cache `stored` it. A 503
     * ends in `load-success` too: tools (the devtools) tell failures by this status.
     */
    'fetch-response': { key: K; status: number; statusText: string; stored: boolean }
  }
}

export {}
