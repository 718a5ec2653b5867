/**
 * The on-disk format: at most two records per entry in one object store.
 *
 * - `v<key>` holds a {@link ValueRecord}: the value, its expiry, and its policy state when it
 *   was set;
 * - `m<key>` holds a {@link MetaRecord}: the policy state after later reads, so that a read
 *   rewrites this small record, never the value. Whichever of the two is newer (higher `seq`)
 *   holds the entry's state.
 *
 * `<key>` is the cache key encoded by type, so `1`, `'1'` and `1n` stay apart. Every record
 * carries the format and the user's `version`; anything else found in the store is foreign.
 *
 * One more row, {@link WRITES_KEY}, counts the store's write transactions. Each transaction reads
 * and bumps it, and stamps the records it writes with the new count (`w`): IndexedDB runs
 * transactions on one store one at a time, so the count orders commits across every tab, which
 * clocks cannot.
 *
 * A store is reachable by others (the devtools, another version of the app, an extension, a
 * damaged disk), so every field read back is checked: a row that fails is malformed, dropped
 * alone, and changes nothing about the others.
 */

import { type HashKey, isContentKey } from '../index.js'

/** The layout of the records below; bumped if it ever changes, so old layouts are dropped. */
export const FORMAT = 1

/**
 * The largest stamp or write count read back: far above any real one (stamps are clock
 * milliseconds, about 2^41 today), and far enough below 2^53 that counting on from it stays
 * exact. Anything larger is damage, and would stop later stamps from increasing.
 */
const MAX_COUNT = 2 ** 52

/** The user's data version: records written under another one are dropped, not misread. */
export type Version = number | string

/**
 * An entry's policy state: `seq` orders recency (higher is more recent), `freq` is its LFU count;
 * `w` is the write transaction that stored the record (absent in records of older releases).
 */
export interface MetaRecord {
  f: typeof FORMAT
  v: Version
  key: HashKey
  seq: number
  freq: number
  w?: number
}

/** An entry's value, its expiry (on the cache's clock, ms; `null` for never) and its policy state when set. */
export interface ValueRecord extends MetaRecord {
  value: unknown
  expiresAt: number | null
}

function encode(key: HashKey): string {
  switch (typeof key) {
    case 'string':
      return `s${key}`
    case 'number':
      // String() is exact for doubles and writes -0 as '0', matching Map's SameValueZero.
      return `n${key}`
    case 'bigint':
      return `i${key}`
    case 'boolean':
      return key ? 't' : 'f'
    case 'undefined':
      return 'u'
    default:
      return 'z'
  }
}

/** The IndexedDB key of `key`'s value record. */
export function valueKey(key: HashKey): string {
  return `v${encode(key)}`
}

/** The IndexedDB key of `key`'s metadata record. */
export function metaKey(key: HashKey): string {
  return `m${encode(key)}`
}

/** The IndexedDB key of the row counting write transactions (no entry key encodes to it). */
export const WRITES_KEY = 'w'

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null
}

/** A count read back (of writes): a whole number from 1 to {@link MAX_COUNT}, or `undefined`. */
function count(value: unknown): number | undefined {
  return Number.isInteger(value) && (value as number) > 0 && (value as number) <= MAX_COUNT
    ? (value as number)
    : undefined
}

/** The count stored at {@link WRITES_KEY}; `undefined` when there is none yet, or it is damaged. */
export function readWrites(stored: unknown): number | undefined {
  return count(isRecord(stored) ? stored.writes : undefined)
}

/** The write transaction that stored a row, if it says so validly (records of older releases do not). */
export function writtenBy(stored: unknown): number | undefined {
  return count(isRecord(stored) ? stored.w : undefined)
}

/** What {@link readRow} returns for a row well formed but written under another format or `version`. */
export const OUTDATED = 0
/** What {@link readRow} returns for a row not ours, or damaged. */
export const MALFORMED = 1

/**
 * Reads one entry row, checking its shape, every number in it, its key against where it is
 * stored, and its version: its record, or {@link OUTDATED} or {@link MALFORMED}.
 */
export function readRow(
  diskKey: IDBValidKey,
  stored: unknown,
  version: Version,
): ValueRecord | MetaRecord | typeof OUTDATED | typeof MALFORMED {
  if (typeof diskKey !== 'string' || !isRecord(stored) || !isContentKey(stored.key)) {
    return MALFORMED
  }
  const { f, v, key, seq, freq, w, expiresAt } = stored
  const stated =
    typeof seq === 'number' &&
    Math.abs(seq) <= MAX_COUNT &&
    Number.isSafeInteger(freq) &&
    (freq as number) >= 1 &&
    (w === undefined || writtenBy(stored) !== undefined)
  const versioned = typeof v === 'string' || Number.isFinite(v)
  if (typeof f !== 'number' || !versioned || !stated) return MALFORMED
  if (diskKey === valueKey(key)) {
    if (expiresAt !== null && !Number.isFinite(expiresAt)) return MALFORMED
  } else if (diskKey !== metaKey(key)) return MALFORMED
  return f === FORMAT && v === version ? (stored as unknown as MetaRecord) : OUTDATED
}
