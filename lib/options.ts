import type { PolicyName } from './policy.js'

/** How to build an {@link AsyncCache}. */
export interface AsyncCacheOptions {
  /** Most entries held at once; a positive safe integer. Required: there is no sensible default. */
  maxsize: number
  /**
   * Which entry leaves when the cache is full: `'LRU'` (least recently used) or `'LFU'` (least
   * frequently used, ties to the least recently used). Default `'LFU'`, as in the Python original.
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
  /** Shown by the devtools; a named cache is listed in the registry they read. */
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

const POLICIES: readonly PolicyName[] = ['LRU', 'LFU']

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value)
  if (typeof value === 'bigint') return `${value}n`
  if (typeof value === 'function') return 'a function'
  try {
    return JSON.stringify(value) ?? String(value)
  } catch {
    return String(value)
  }
}

/** Throws unless `value` is a positive safe integer. */
export function checkMaxsize(value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
    throw new TypeError(`maxsize must be a positive integer, got ${describe(value)}`)
  }
  if (value < 1)
    throw new RangeError(`maxsize must be a positive integer (1 or more), got ${value}`)
  return value
}

/** Throws unless `value` is a number of seconds (> 0 for a TTL), or null/undefined where allowed. */
export function checkSeconds(name: string, value: unknown, nullable: boolean): number | null {
  if (value == null && nullable) return null
  if (typeof value !== 'number' || Number.isNaN(value)) {
    const allowed = nullable ? 'a number of seconds or null' : 'a number of seconds'
    throw new TypeError(`${name} must be ${allowed}, got ${describe(value)}`)
  }
  if (!(value > 0) && !(value === 0 && !nullable)) {
    const allowed = nullable ? 'greater than 0 (or null for no expiry)' : '0 or more'
    throw new RangeError(`${name} must be ${allowed}, got ${value}`)
  }
  return value
}

/** Throws unless `value` names a policy. */
export function checkPolicy(value: unknown): PolicyName {
  if (value === undefined) return 'LFU'
  if (!POLICIES.includes(value as PolicyName)) {
    throw new TypeError(`policy must be 'LRU' or 'LFU', got ${describe(value)}`)
  }
  return value as PolicyName
}

/** Throws unless `value` is undefined or of `type`. */
export function checkType(name: string, value: unknown, type: 'string' | 'function'): void {
  if (value !== undefined && typeof value !== type) {
    throw new TypeError(`${name} must be a ${type}, got ${describe(value)}`)
  }
}
