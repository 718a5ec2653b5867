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
 */

import { hasIdentity } from '../keys.js'

/** The layout of the records below; bumped if it ever changes, so old layouts are dropped. */
const FORMAT = 1

/** The user's data version: records written under another one are dropped, not misread. */
export type Version = number | string

/** A cache key that survives a reload: a primitive whose meaning is its content. */
export type DiskableKey = string | number | bigint | boolean | null | undefined

/**
 * An entry's policy state: `seq` orders recency (higher is more recent), `freq` is its LFU count;
 * `w` is the write transaction that stored the record (absent in records of older releases).
 */
export interface MetaRecord {
  f: typeof FORMAT
  v: Version
  key: DiskableKey
  seq: number
  freq: number
  w?: number
}

/** An entry's value, its expiry (on the cache's clock, ms; `null` for never) and its policy state when set. */
export interface ValueRecord extends MetaRecord {
  value: unknown
  expiresAt: number | null
}

/**
 * Whether `key` can be written: primitives only (other keys are compared by identity, which a
 * reload does not keep), and not a key with an identity part (an object argument, a method's
 * instance), whose entry would otherwise be handed to another object after a reload.
 */
export function isDiskable(key: unknown): key is DiskableKey {
  switch (typeof key) {
    case 'string':
      return !hasIdentity(key)
    case 'number':
    case 'bigint':
    case 'boolean':
    case 'undefined':
      return true
    default:
      return key === null
  }
}

function encode(key: DiskableKey): string {
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
export function valueKey(key: DiskableKey): string {
  return `v${encode(key)}`
}

/** The IndexedDB key of `key`'s metadata record. */
export function metaKey(key: DiskableKey): string {
  return `m${encode(key)}`
}

/** The IndexedDB key of the row counting write transactions (no entry key encodes to it). */
export const WRITES_KEY = 'w'

/** The count stored at {@link WRITES_KEY}: 0 when there is none yet, or it is damaged. */
export function readWrites(stored: unknown): number {
  const writes = isRecord(stored) ? stored.writes : undefined
  return Number.isSafeInteger(writes) && (writes as number) > 0 ? (writes as number) : 0
}

/** The row to store at {@link WRITES_KEY}. */
export function writesRecord(writes: number): { f: typeof FORMAT; writes: number } {
  return { f: FORMAT, writes }
}

/** The write transaction that stored a row, if it says (records of older releases do not). */
export function writtenBy(stored: unknown): number | undefined {
  const w = isRecord(stored) ? stored.w : undefined
  return typeof w === 'number' ? w : undefined
}

/** Builds the value record of one entry, stored by write transaction `w`. */
export function valueRecord(
  version: Version,
  key: DiskableKey,
  value: unknown,
  expiresAt: number | null,
  seq: number,
  freq: number,
  w: number,
): ValueRecord {
  return { f: FORMAT, v: version, key, value, expiresAt, seq, freq, w }
}

/** Builds the metadata record of one entry, stored by write transaction `w`. */
export function metaRecord(
  version: Version,
  key: DiskableKey,
  seq: number,
  freq: number,
  w: number,
): MetaRecord {
  return { f: FORMAT, v: version, key, seq, freq, w }
}

/** What one stored row turned out to be. */
export type Row =
  | { kind: 'value'; record: ValueRecord }
  | { kind: 'meta'; record: MetaRecord }
  /** Well formed, but written under another format or `version`. */
  | { kind: 'outdated' }
  /** The count of write transactions. */
  | { kind: 'writes'; writes: number }
  /** Not ours, or damaged. */
  | { kind: 'malformed' }

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null
}

/** Reads one stored row, checking its shape, its key against where it is stored, and its version. */
export function readRow(diskKey: IDBValidKey, stored: unknown, version: Version): Row {
  if (diskKey === WRITES_KEY) return { kind: 'writes', writes: readWrites(stored) }
  if (typeof diskKey !== 'string' || !isRecord(stored) || !isDiskable(stored.key)) {
    return { kind: 'malformed' }
  }
  const { f, v, key, seq, freq } = stored
  const versioned = typeof v === 'number' || typeof v === 'string'
  const stated = Number.isFinite(seq) && Number.isSafeInteger(freq) && (freq as number) >= 1
  if (typeof f !== 'number' || !versioned || !stated) return { kind: 'malformed' }
  if (diskKey === valueKey(key)) {
    const { expiresAt } = stored
    if (expiresAt !== null && !Number.isFinite(expiresAt)) return { kind: 'malformed' }
    if (f !== FORMAT || v !== version) return { kind: 'outdated' }
    return { kind: 'value', record: stored as unknown as ValueRecord }
  }
  if (diskKey === metaKey(key)) {
    if (f !== FORMAT || v !== version) return { kind: 'outdated' }
    return { kind: 'meta', record: stored as unknown as MetaRecord }
  }
  return { kind: 'malformed' }
}
