/** A snapshot of a cache's counters, as typed numbers. Times are in milliseconds. */
export interface CacheStats {
  /** Lookups served from memory, including callers that joined a load in flight. */
  hits: number
  /** Lookups that found nothing usable; under `getOrLoad` these equal the loader runs. */
  misses: number
  /** `hits / (hits + misses)`, 0 before any lookup. */
  hitRatio: number
  /** Entries that left on their own, by reason. */
  evictions: { capacity: number; expired: number }
  /** Execution samples recorded through `updateProfiling` (every finished load records one). */
  totalCalls: number
  /** Mean, shortest and longest recorded execution time; 0 before any sample. */
  avgTimeMs: number
  minTimeMs: number
  maxTimeMs: number
  /** Entries held now (expired ones not yet met included), and the capacity. */
  size: number
  maxsize: number
  /** The cache's default TTL in seconds, or `null` when entries never expire. */
  ttl: number | null
  /** Keys whose loader is running now. */
  loadsInFlight: number
  /** The total `sizeOf` of the entries held (0 without a `maxSize` budget), and the budget. */
  totalSize: number
  maxSize: number | null
}

/**
 * A cache's counters: lookups, evictions by reason, and execution-time samples. Kept apart from
 * the entries so that what is counted, and how a snapshot reads them, is written in one place.
 */
export class Counters {
  hits = 0
  misses = 0
  evictedCapacity = 0
  evictedExpired = 0
  calls = 0
  totalNs = 0
  minNs = 0
  maxNs = 0

  /** Records one execution-time sample, in nanoseconds (checked by the caller). */
  sample(ns: number): void {
    this.minNs = this.calls === 0 ? ns : Math.min(this.minNs, ns)
    this.maxNs = Math.max(this.maxNs, ns)
    this.totalNs += ns
    this.calls++
  }

  reset(): void {
    this.hits = this.misses = this.evictedCapacity = this.evictedExpired = 0
    this.calls = this.totalNs = this.minNs = this.maxNs = 0
  }

  /** The counters as {@link CacheStats}, with what only the cache knows. */
  snapshot(
    size: number,
    maxsize: number,
    ttl: number | null,
    loadsInFlight: number,
    totalSize: number,
    maxSize: number | null,
  ): CacheStats {
    const lookups = this.hits + this.misses
    return {
      hits: this.hits,
      misses: this.misses,
      hitRatio: lookups === 0 ? 0 : this.hits / lookups,
      evictions: { capacity: this.evictedCapacity, expired: this.evictedExpired },
      totalCalls: this.calls,
      avgTimeMs: this.calls === 0 ? 0 : this.totalNs / this.calls / 1e6,
      minTimeMs: this.minNs / 1e6,
      maxTimeMs: this.maxNs / 1e6,
      size,
      maxsize,
      ttl,
      loadsInFlight,
      totalSize,
      maxSize,
    }
  }
}

/** The statistics dictionary of the Python original, field for field and format for format. */
export interface FormattedStats {
  hits: number
  misses: number
  /** Despite the name (kept from the original), the hit rate: hits / (hits + misses). */
  hit_miss_ratio: string
  avg_time: string
  max_time: string
  min_time: string
  total_calls: number
  current_size: number
  max_size: number
  ttl_sec: string
}

/**
 * Renders stats exactly as the Python original's `get_stats()` does:
 * ratios as `'0.8333'`, times in seconds as `'0.0023 s'`, the TTL as `'60.0000'` or `'None'`.
 */
export function formatStats(stats: CacheStats): FormattedStats {
  const seconds = (ms: number) => `${(ms / 1000).toFixed(4)} s`
  return {
    hits: stats.hits,
    misses: stats.misses,
    hit_miss_ratio: stats.hitRatio.toFixed(4),
    avg_time: seconds(stats.avgTimeMs),
    max_time: seconds(stats.maxTimeMs),
    min_time: seconds(stats.minTimeMs),
    total_calls: stats.totalCalls,
    current_size: stats.size,
    max_size: stats.maxsize,
    ttl_sec: stats.ttl === null ? 'None' : stats.ttl.toFixed(4),
  }
}
