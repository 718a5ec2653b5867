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
} from './record.js'

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
  discard: IDBValidKey[]
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
  const discard: IDBValidKey[] = []
  let malformed = 0
  for (const [diskKey, stored] of rows) {
    const row = readRow(diskKey, stored, context.version)
    if (row.kind === 'value') values.set(row.record.key, row.record)
    else if (row.kind === 'meta') metas.set(row.record.key, row.record)
    else {
      if (row.kind === 'malformed') malformed++
      discard.push(diskKey)
    }
  }

  let lastSeq = 0
  const candidates: Candidate[] = []
  const kept: DiskableKey[] = []
  for (const [key, meta] of metas) {
    lastSeq = Math.max(lastSeq, meta.seq)
    const record = values.get(key)
    // Orphaned, or older than the value written since: either way it no longer says anything.
    if (record === undefined || record.seq >= meta.seq) discard.push(metaKey(key))
  }
  for (const [key, record] of values) {
    lastSeq = Math.max(lastSeq, record.seq)
    const meta = metas.get(key)
    const state = meta !== undefined && meta.seq > record.seq ? meta : record
    const expired = record.expiresAt !== null && context.now >= record.expiresAt + context.staleMs
    if (expired || !context.keep(key, record.value)) {
      discard.push(valueKey(key), metaKey(key))
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
  candidates.forEach(({ record, freq }, i) => {
    if (i < cut) {
      discard.push(valueKey(record.key), metaKey(record.key))
      return
    }
    kept.push(record.key)
    records.push({
      key: record.key,
      value: record.value,
      expiresAt: record.expiresAt,
      frequency: freq,
    })
  })
  return { records, kept, discard, malformed, lastSeq }
}
