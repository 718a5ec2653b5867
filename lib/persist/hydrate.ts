import type { AsyncCache, HashKey } from '../index.js'
import {
  MALFORMED,
  type MetaRecord,
  metaKey,
  readRow,
  readWrites,
  type ValueRecord,
  type Version,
  valueKey,
  WRITES_KEY,
  writtenBy,
} from './record.js'

/**
 * A row to delete, unless another tab rewrote it since it was read: it is deleted only while it
 * still carries `written`, the write transaction that stored it when read (or stays unreadable).
 */
export interface Discard {
  row: IDBValidKey
  written: number | undefined
}

/** What hydration works with. */
export interface HydrationContext {
  cache: AsyncCache<HashKey, unknown>
  version: Version
  /** Keys deleted since hydration began (all of them once the cache was cleared): memory is newer. */
  superseded(key: HashKey): boolean
  /** The `filter` option: entries it rejects must not stay on disk. */
  keep(key: HashKey, value: unknown): boolean
}

/** What one read of the whole store brought back, and what is to be cleaned up. */
export interface Hydration {
  /** How many entries the cache took. */
  count: number
  /** Keys whose rows stay on disk: restored, held by memory, or superseded (rewritten or deleted soon). */
  kept: HashKey[]
  /** Rows to delete: outdated, malformed, orphaned, filtered out, or refused by the cache. */
  discard: Discard[]
  /** For each restored entry, the write transaction that stored it. */
  written: Map<HashKey, number>
  /** The count of write transactions when the store was read. */
  writes: number
  /** How many rows were not ours or damaged. */
  malformed: number
  /** The highest recency stamp found, so new stamps continue from it. */
  lastSeq: number
}

interface Candidate {
  key: HashKey
  value: ValueRecord
  seq: number
  freq: number
  /** Its rows, for when the cache refuses it. */
  rows: Discard[]
}

/**
 * Hands the valid entries among the rows of the store to `cache.restore()`, hottest first, and
 * lets its answer decide which stay: the cache owns the rules of restoring (memory wins, expired
 * and outranked records are refused). Here, only which rows are candidates: current version,
 * well formed, not orphaned, not filtered out, not superseded by a delete made meanwhile.
 */
export function hydrate(
  rows: readonly (readonly [IDBValidKey, unknown])[],
  context: HydrationContext,
): Hydration {
  const values = new Map<HashKey, ValueRecord>()
  const metas = new Map<HashKey, MetaRecord>()
  const discard: Discard[] = []
  const seen = new Map<IDBValidKey, number | undefined>()
  const row = (diskKey: IDBValidKey): Discard => ({ row: diskKey, written: seen.get(diskKey) })
  let malformed = 0
  let counter: number | undefined
  let highest = 0
  for (const [diskKey, stored] of rows) {
    seen.set(diskKey, writtenBy(stored))
    if (diskKey === WRITES_KEY) {
      counter = readWrites(stored)
      // Damaged; rewritten by the next batch, so not discarded.
      if (counter === undefined) malformed++
      continue
    }
    const record = readRow(diskKey, stored, context.version)
    if (typeof record === 'object') {
      ;((diskKey as string)[0] === 'v' ? values : metas).set(record.key, record as ValueRecord)
      highest = Math.max(highest, record.w ?? 0)
    } else {
      if (record === MALFORMED) malformed++
      discard.push(row(diskKey))
    }
  }
  // No write stamps a row later than the count it bumped: a row claiming so is damaged, unless
  // the count itself is, and then the rows rebuild it.
  const writes = counter ?? highest
  for (const [records, rowKey] of [
    [values, valueKey],
    [metas, metaKey],
  ] as const) {
    for (const [key, record] of records) {
      if ((record.w ?? 0) <= writes) continue
      records.delete(key)
      malformed++
      discard.push(row(rowKey(key)))
    }
  }

  let lastSeq = 0
  for (const [key, meta] of metas) {
    lastSeq = Math.max(lastSeq, meta.seq)
    const record = values.get(key)
    // Orphaned, or older than the value written since: either way it no longer says anything.
    if (record === undefined || record.seq >= meta.seq) {
      metas.delete(key)
      discard.push(row(metaKey(key)))
    }
  }
  const kept: HashKey[] = []
  const candidates: Candidate[] = []
  for (const [key, record] of values) {
    lastSeq = Math.max(lastSeq, record.seq)
    const meta = metas.get(key)
    const own = [row(valueKey(key))]
    if (meta !== undefined) own.push(row(metaKey(key)))
    if (!context.keep(key, record.value)) discard.push(...own)
    else if (context.superseded(key)) kept.push(key)
    else {
      const { seq, freq } = meta ?? record
      candidates.push({ key, value: record, seq, freq, rows: own })
    }
  }

  const { cache } = context
  const lfu = cache.policy === 'LFU'
  candidates.sort((a, b) => (lfu && a.freq !== b.freq ? b.freq - a.freq : b.seq - a.seq))
  const written = new Map<HashKey, number>()
  let count = 0
  for (const { key, value: record, freq, rows: own } of candidates) {
    const result = cache.restore(key, record.value, record.expiresAt, freq)
    if (result === 'restored') {
      count++
      written.set(key, record.w ?? 0)
    }
    if (result === 'restored' || result === 'held') kept.push(key)
    else discard.push(...own)
  }
  return { count, kept, discard, written, writes, malformed, lastSeq }
}
