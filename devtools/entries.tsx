import { useMemo, useReducer, useRef, useState } from 'preact/hooks'
import type { AsyncCache, EntrySnapshot } from '../lib/index.js'
import { count, duration, fullText, preview } from './format.js'
import { VirtualList } from './virtual-list.js'

/**
 * An entry as inspected, with persistence's annotation restated: `asynccache/persist` adds it to
 * `EntryAnnotations`, and the panel must build without that layer.
 */
type Entry = EntrySnapshot<unknown, unknown> & { persisted?: boolean }

/** Columns the entries can be sorted by. */
export type SortColumn = 'rank' | 'key' | 'frequency' | 'age' | 'ttl' | 'persisted'

/** Props of {@link Entries}. */
export interface EntriesProps {
  cache: AsyncCache
  /** Changes whenever the cache may have changed (the recorder's version). */
  version: number
}

/** The inspected entries and what it cost, for throttling the next inspection. */
interface Snapshot {
  cache: AsyncCache
  version: number
  forced: number
  entries: Entry[]
  /** When it was taken and how long that took (performance.now(), ms). */
  at: number
  cost: number
}

/**
 * Re-inspecting a big cache on every frame of an event storm would cost more than the panel
 * is allowed: a snapshot is retaken only once the time since the last one is this many times
 * what the last one cost (at most ~1/(1+N) of the main thread), so small caches stay
 * frame-exact and 10,000 entries degrade gracefully.
 */
const THROTTLE_FACTOR = 4

/** Ages and TTLs move with time alone: a snapshot older than this is retaken on the next render. */
const AGES_REFRESH_MS = 1000

const NEVER = Number.POSITIVE_INFINITY

const compare: Record<SortColumn, (a: Entry, b: Entry, keys: Map<Entry, string>) => number> = {
  rank: (a, b) => a.rank - b.rank,
  key: (a, b, keys) => {
    const x = keys.get(a) as string
    const y = keys.get(b) as string
    return x < y ? -1 : x > y ? 1 : a.rank - b.rank
  },
  frequency: (a, b) => (a.frequency ?? 0) - (b.frequency ?? 0) || a.rank - b.rank,
  age: (a, b) => (a.ageMs ?? -1) - (b.ageMs ?? -1) || a.rank - b.rank,
  ttl: (a, b) => (a.ttlRemainingMs ?? NEVER) - (b.ttlRemainingMs ?? NEVER) || a.rank - b.rank,
  persisted: (a, b) =>
    Number(a.persisted === true) - Number(b.persisted === true) || a.rank - b.rank,
}

/**
 * The cache's entries (through `cache.inspect()`): key, value preview, rank and LFU
 * frequency, age, TTL remaining, whether it is on disk (only for a persisted cache), and a
 * delete action; sortable by column and filterable by key. Only the visible rows are rendered.
 */
export function Entries({ cache, version }: EntriesProps) {
  const [sort, setSort] = useState<{ by: SortColumn; descending: boolean }>({
    by: 'rank',
    descending: false,
  })
  const [filter, setFilter] = useState('')
  const [forced, force] = useReducer((n: number) => n + 1, 0)
  const snapshot = useRef<Snapshot | null>(null)

  let s = snapshot.current
  const now = performance.now()
  if (
    s === null ||
    s.cache !== cache ||
    s.forced !== forced ||
    ((s.version !== version || now - s.at >= AGES_REFRESH_MS) &&
      now - s.at >= s.cost * THROTTLE_FACTOR)
  ) {
    const entries = cache.inspect()
    s = { cache, version, forced, entries, at: now, cost: performance.now() - now }
    snapshot.current = s
  }
  const entries = s.entries
  // Only a layer that annotates entries (persistence) gives the column a meaning.
  const persistence = useMemo(() => entries.some((e) => e.persisted !== undefined), [entries])

  const rows = useMemo(() => {
    const needle = filter.trim().toLowerCase()
    const keys = new Map<Entry, string>()
    if (needle !== '' || sort.by === 'key') for (const e of entries) keys.set(e, fullText(e.key))
    const kept =
      needle === '' ? entries : entries.filter((e) => keys.get(e)?.toLowerCase().includes(needle))
    const sorted =
      sort.by === 'rank' ? kept.slice() : kept.slice().sort((a, b) => compare[sort.by](a, b, keys))
    return sort.descending ? sorted.reverse() : sorted
  }, [entries, sort, filter])

  const lfu = cache.policy === 'LFU'
  const header = (column: SortColumn, label: string, cls: string) => {
    const active = sort.by === column
    return (
      <th
        scope="col"
        class={cls}
        aria-sort={active ? (sort.descending ? 'descending' : 'ascending') : 'none'}
      >
        <button
          type="button"
          aria-label={`Sort by ${label}`}
          onClick={() => setSort({ by: column, descending: active && !sort.descending })}
        >
          {label}
          {active ? (sort.descending ? ' ▼' : ' ▲') : ''}
        </button>
      </th>
    )
  }

  return (
    <div class="pane">
      <div class="toolbar">
        <label>
          Filter keys
          <input
            type="search"
            value={filter}
            placeholder="substring"
            onInput={(event) => setFilter(event.currentTarget.value)}
          />
        </label>
        <span class="count">
          {rows.length === entries.length
            ? `${count(entries.length)} entries`
            : `${count(rows.length)} of ${count(entries.length)} entries`}
        </span>
      </div>
      <VirtualList
        label="Entries"
        items={rows}
        empty={entries.length === 0 ? 'The cache is empty.' : 'No key matches the filter.'}
        head={
          <>
            {header('key', 'Key', 'key')}
            <th scope="col" class="value">
              Value
            </th>
            {header('rank', 'Rank', 'num')}
            {lfu && header('frequency', 'Uses', 'num')}
            {header('age', 'Age', 'dur')}
            {header('ttl', 'TTL left', 'dur')}
            {/* Sized as the duration columns: wide enough for its label. */}
            {persistence && header('persisted', 'Persisted', 'dur')}
            <th scope="col" class="action">
              <span class="sr">Actions</span>
            </th>
          </>
        }
        renderRow={(entry) => {
          const key = preview(entry.key)
          return (
            <>
              <td class="key" title={key}>
                {key}
              </td>
              <td class="value">{preview(entry.value)}</td>
              <td class="num">{entry.rank}</td>
              {lfu && <td class="num">{entry.frequency}</td>}
              <td class="dur">{entry.ageMs === null ? '—' : duration(entry.ageMs)}</td>
              <td class={entry.stale ? 'dur stale' : 'dur'}>
                {entry.ttlRemainingMs === null
                  ? '∞'
                  : entry.stale
                    ? 'stale'
                    : duration(entry.ttlRemainingMs)}
              </td>
              {persistence && (
                <td class="dur">
                  {entry.persisted === undefined ? '—' : entry.persisted ? 'yes' : 'no'}
                </td>
              )}
              <td class="action">
                <button
                  type="button"
                  class="danger"
                  aria-label={`Delete entry ${key}`}
                  onClick={() => {
                    cache.delete(entry.key)
                    force(undefined)
                  }}
                >
                  Delete
                </button>
              </td>
            </>
          )
        }}
      />
    </div>
  )
}
