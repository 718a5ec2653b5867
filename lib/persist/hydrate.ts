import type { EntryRecord } from '../cache.js'
import type { PolicyName } from '../policy.js'
import {
  type DiskableKey,
  type MetaRecord,
  metaKey,
  readRow,
  type ValueRecord,
  type Version,
  valueKey,
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

/** What hydration needs to know about the cache and the options. */
export interface HydrationContext {
  version: Version
  policy: PolicyName
  /** The cache's clock now, ms. */
  now: number
  /** How long past its expiry an entry is still served stale, ms: until then it is worth loading. */
  staleMs: number
  /** How many entries the cache has room for. */
  room: number
  /** Keys not to load because memory is newer: held now, or deleted or cleared since hydration began. */
  superseded(key: DiskableKey): boolean
  /** The `filter` option: entries it rejects must not stay on disk. */
  keep(key: DiskableKey, value: unknown): boolean
}

/** What to restore and what to clean up, from one read of the whole store. */
export interface HydrationPlan {
  /** Entries to hand to `cache.load()`, coldest first, at most `room`. */
  records: EntryRecord<DiskableKey, unknown>[]
  /** Keys whose records stay on disk (restored, or superseded by memory and rewritten soon). */
  kept: DiskableKey[]
  /** Rows to delete: expired, outdated, malformed, orphaned, filtered out, or beyond `room`. */
  discard: Discard[]
  /** For each restored entry, the write transaction that stored it. */
  written: Map<DiskableKey, number>
  /** The count of write transactions when the store was read. */
  writes: number
  /** How many rows were not ours or damaged. */
  malformed: number
  /** The highest recency stamp found, so new stamps continue from it. */
  lastSeq: number
}

interface Candidate {
  record: ValueRecord
  seq: number
  freq: number
}

/** Decides, from the rows of the store, which entries come back and which rows go. */
export function planHydration(
  rows: readonly (readonly [IDBValidKey, unknown])[],
  context: HydrationContext,
): HydrationPlan {
  const values = new Map<DiskableKey, ValueRecord>()
  const metas = new Map<DiskableKey, MetaRecord>()
  const discard: Discard[] = []
  const seen = new Map<IDBValidKey, number | undefined>()
  const drop = (row: IDBValidKey) => discard.push({ row, written: seen.get(row) })
  let malformed = 0
  let writes = 0
  for (const [diskKey, stored] of rows) {
    const row = readRow(diskKey, stored, context.version)
    seen.set(diskKey, writtenBy(stored))
    if (row.kind === 'value') values.set(row.record.key, row.record)
    else if (row.kind === 'meta') metas.set(row.record.key, row.record)
    else if (row.kind === 'writes') writes = row.writes
    else {
      if (row.kind === 'malformed') malformed++
      drop(diskKey)
    }
  }

  let lastSeq = 0
  const candidates: Candidate[] = []
  const kept: DiskableKey[] = []
  for (const [key, meta] of metas) {
    lastSeq = Math.max(lastSeq, meta.seq)
    const record = values.get(key)
    // Orphaned, or older than the value written since: either way it no longer says anything.
    if (record === undefined || record.seq >= meta.seq) drop(metaKey(key))
  }
  for (const [key, record] of values) {
    lastSeq = Math.max(lastSeq, record.seq)
    const meta = metas.get(key)
    const state = meta !== undefined && meta.seq > record.seq ? meta : record
    const expired = record.expiresAt !== null && context.now >= record.expiresAt + context.staleMs
    if (expired || !context.keep(key, record.value)) {
      drop(valueKey(key))
      if (meta !== undefined) drop(metaKey(key))
    } else if (context.superseded(key)) {
      kept.push(key)
    } else {
      candidates.push({ record, seq: state.seq, freq: state.freq })
    }
  }

  const lfu = context.policy === 'LFU'
  candidates.sort((a, b) => (lfu && a.freq !== b.freq ? a.freq - b.freq : a.seq - b.seq))
  const cut = Math.max(0, candidates.length - context.room)
  const records: EntryRecord<DiskableKey, unknown>[] = []
  const written = new Map<DiskableKey, number>()
  candidates.forEach(({ record, freq }, i) => {
    if (i < cut) {
      drop(valueKey(record.key))
      if (metas.has(record.key)) drop(metaKey(record.key))
      return
    }
    kept.push(record.key)
    written.set(record.key, record.w ?? 0)
    records.push({
      key: record.key,
      value: record.value,
      expiresAt: record.expiresAt,
      frequency: freq,
    })
  })
  return { records, kept, discard, written, writes, malformed, lastSeq }
}
