import { checkNumber, describe } from './check.js'
import type { PolicyName } from './policy.js'

/** How to build an {@link AsyncCache}. */
export interface AsyncCacheOptions<K = unknown, V = unknown> {
  /** Most entries held at once; a positive safe integer. Required: there is no sensible default. */
  maxsize: number
  /**
   * Which entry leaves when the cache is full: `'LRU'` (least recently used), `'LFU'` (least
   * frequently used, ties to the least recently used) or `'ADAPTIVE'` (Window TinyLFU that
   * tunes itself to the workload: never far from the better of the two, often above both).
   * Default `'LFU'`, as in the Python original.
   */
  policy?: PolicyName
  /**
   * Seconds an entry stays fresh (fractions allowed); `null` or absent: forever.
   * `set(key, value, { ttl })` overrides it per entry.
   */
  ttl?: number | null
  /**
   * Seconds past its TTL during which `getOrLoad` still serves an entry at once while one
   * background load refreshes it. Default 0: expired means gone.
   */
  staleWhileRevalidate?: number
  /**
   * A budget (a positive whole number) for the total size of the entries, in the unit `sizeOf`
   * counts (bytes, say): once a
   * store takes the total past it, the policy's victims leave until it fits, and a value larger
   * than the whole budget is not stored. Absent: only `maxsize` bounds the cache. Needs `sizeOf`.
   */
  maxSize?: number
  /**
   * The size of one entry, counted against `maxSize`: a whole number, 0 or more (whole numbers
   * keep the running total exact). Called once per stored value. Needs `maxSize`.
   */
  sizeOf?: (value: V, key: K) => number
  /** The label the devtools show. */
  name?: string
  /**
   * The clock, in milliseconds. Default: the wall clock, held so it never runs backwards (time
   * asleep counts toward TTLs, and persisted expiries keep their meaning across reloads). Tests
   * inject one to move time by hand.
   */
  now?: () => number
}

/** Options of one `set`. */
export interface SetOptions {
  /** This entry's TTL in seconds, or `null` for never; absent: the cache's `ttl`. */
  ttl?: number | null
}

const POLICIES: readonly PolicyName[] = ['LRU', 'LFU', 'ADAPTIVE']

/** Throws unless `value` is a positive safe integer. */
export function checkMaxsize(value: unknown): number {
  return checkNumber('maxsize', value, {
    integer: true,
    min: 1,
    max: Number.MAX_SAFE_INTEGER,
    allowed: 'a positive integer (1 or more)',
  })
}

/**
 * `value` as a number of seconds: > 0, or null/undefined for "never" where `nullable` (a TTL);
 * >= 0, undefined meaning 0, otherwise.
 */
export function checkSeconds(name: string, value: unknown, nullable: boolean): number | null {
  if (nullable) {
    if (value == null) return null
    return checkNumber(name, value, {
      min: 0,
      aboveMin: true,
      allowed: 'a number of seconds greater than 0 (or null for no expiry)',
    })
  }
  return checkNumber(name, value, { min: 0, allowed: 'a number of seconds, 0 or more' }, 0)
}

/** Throws unless `value` names a policy. */
export function checkPolicy(value: unknown): PolicyName {
  if (value === undefined) return 'LFU'
  if (!POLICIES.includes(value as PolicyName)) {
    throw new TypeError(`policy must be 'LRU', 'LFU' or 'ADAPTIVE', got ${describe(value)}`)
  }
  return value as PolicyName
}
