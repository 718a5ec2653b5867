import { useMemo, useReducer, useRef } from 'preact/hooks'
import type { AsyncCache, EntrySnapshot } from '../lib/index.js'
import { EntryDetails, RANK_HELP, USES_HELP } from './entry-details.js'
import { count, duration, fullText, preview } from './format.js'
import { keyLabel, plural } from './labels.js'
import type { Recorder } from './recorder.js'
import type { EntriesView, SortColumn } from './view.js'
import { VirtualList } from './virtual-list.js'

/**
 * An entry as inspected, with persistence's annotation restated: `asynccache/persist` adds it to
 * `EntryAnnotations`, and the panel must build without that layer.
 */
type Entry = EntrySnapshot<unknown, unknown> & { persisted?: boolean }

/** A key's state, as the status column and the header's counts show it. */
export type KeyStatus = 'fresh' | 'stale' | 'loading' | 'error'
export const STATUSES: readonly KeyStatus[] = ['fresh', 'stale', 'loading', 'error']

/** Props of {@link Entries}. */
export interface EntriesProps {
  cache: AsyncCache
  recorder: Recorder
  /** Changes whenever the cache may have changed (the recorder's version). */
  version: number
  view: EntriesView
  onView: (change: Partial<EntriesView>) => void
  /** Shows a key's events in the timeline. */
  onTimeline: (key: unknown) => void
  /** The page's origin, which `cachedFetch` keys are shown relative to. */
  origin: string | undefined
}

/** One row: an entry, or a key only loading or failed (not stored yet, or not any more). */
interface Row {
  key: unknown
  label: string
  /** The key's whole text, for filtering, sorting and remembering the selection. */
  text: string
  entry: Entry | undefined
  status: KeyStatus
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

/** Labels kept between snapshots (keys repeat from one to the next), at most this many. */
const LABELS_KEPT = 20_000

const NEVER = Number.POSITIVE_INFINITY
const NO_RANK = Number.POSITIVE_INFINITY
const rank = (r: Row) => r.entry?.rank ?? NO_RANK

const compare: Record<SortColumn, (a: Row, b: Row) => number> = {
  rank: (a, b) => rank(a) - rank(b),
  key: (a, b) => (a.label < b.label ? -1 : a.label > b.label ? 1 : rank(a) - rank(b)),
  status: (a, b) => STATUSES.indexOf(a.status) - STATUSES.indexOf(b.status) || rank(a) - rank(b),
  frequency: (a, b) => (a.entry?.frequency ?? 0) - (b.entry?.frequency ?? 0) || rank(a) - rank(b),
  age: (a, b) => (a.entry?.ageMs ?? -1) - (b.entry?.ageMs ?? -1) || rank(a) - rank(b),
  ttl: (a, b) =>
    (a.entry?.ttlRemainingMs ?? NEVER) - (b.entry?.ttlRemainingMs ?? NEVER) || rank(a) - rank(b),
  persisted: (a, b) =>
    Number(a.entry?.persisted === true) - Number(b.entry?.persisted === true) || rank(a) - rank(b),
}

/**
 * The cache's entries (through `cache.inspect()`), with the keys loading or failed that hold
 * no entry: status, readable key, value preview, rank and LFU uses, age, TTL left, whether it
 * is on disk (only for a persisted cache), and a delete action; sortable by column, filterable
 * by key, with counts per status. A click on a row opens its details beside the table (over it
 * on a narrow screen). Only the visible rows are rendered.
 */
export function Entries(props: EntriesProps) {
  const { cache, recorder, version, view, onView, origin } = props
  const [forced, force] = useReducer((n: number) => n + 1, 0)
  const snapshot = useRef<Snapshot | null>(null)
  const labels = useRef(new Map<unknown, string>())

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

  const all = useMemo(() => {
    const known = labels.current
    if (known.size > LABELS_KEPT) known.clear()
    const label = (key: unknown) => {
      let l = known.get(key)
      if (l === undefined) {
        l = keyLabel(key, cache.describeKey, origin)
        known.set(key, l)
      }
      return l
    }
    const out: Row[] = []
    const listed = new Set<unknown>()
    const statusOf = (key: unknown, entry: Entry | undefined): KeyStatus =>
      recorder.loading.has(key)
        ? 'loading'
        : recorder.errors.has(key)
          ? 'error'
          : entry?.stale
            ? 'stale'
            : 'fresh'
    for (const entry of entries) {
      listed.add(entry.key)
      out.push({
        key: entry.key,
        label: label(entry.key),
        text: '',
        entry,
        status: statusOf(entry.key, entry),
      })
    }
    for (const key of [...recorder.loading.keys(), ...recorder.errors.keys()]) {
      if (listed.has(key)) continue
      listed.add(key)
      out.push({
        key,
        label: label(key),
        text: '',
        entry: undefined,
        status: statusOf(key, undefined),
      })
    }
    for (const row of out) row.text = typeof row.key === 'string' ? row.key : fullText(row.key)
    return out
    // The recorder's maps change with its version, which `entries` follows.
  }, [entries, recorder, cache, origin, version])

  const counts = useMemo(() => {
    const c: Record<KeyStatus, number> = { fresh: 0, stale: 0, loading: 0, error: 0 }
    for (const row of all) c[row.status]++
    return c
  }, [all])

  const rows = useMemo(() => {
    const needle = view.filter.trim().toLowerCase()
    const kept =
      needle === ''
        ? all
        : all.filter(
            (r) => r.label.toLowerCase().includes(needle) || r.text.toLowerCase().includes(needle),
          )
    const sorted = view.sort === 'rank' ? kept.slice() : kept.slice().sort(compare[view.sort])
    return view.descending ? sorted.reverse() : sorted
  }, [all, view.sort, view.descending, view.filter])

  const selected =
    view.selected === undefined ? undefined : all.find((r) => r.text === view.selected)
  // Use counts exist under every policy but LRU.
  const lfu = cache.policy !== 'LRU'
  const header = (
    column: SortColumn,
    label: string,
    cls: string,
    help?: string,
    short?: string,
  ) => {
    const active = view.sort === column
    return (
      <th
        scope="col"
        class={cls}
        title={help}
        aria-sort={active ? (view.descending ? 'descending' : 'ascending') : 'none'}
      >
        <button
          type="button"
          aria-label={`Sort by ${label}`}
          onClick={() => onView({ sort: column, descending: active && !view.descending })}
        >
          {short ?? label}
          {active ? (view.descending ? ' ▼' : ' ▲') : ''}
        </button>
      </th>
    )
  }

  return (
    <div class={selected === undefined ? 'pane entries' : 'pane entries with-details'}>
      <div class="toolbar">
        <label>
          Filter keys
          <input
            type="search"
            value={view.filter}
            placeholder="substring"
            onInput={(event) => onView({ filter: event.currentTarget.value })}
          />
        </label>
        <span class="status-counts" title="Keys by status">
          {STATUSES.map((status) => (
            <span key={status} class={`chip status-${status}`}>
              {status} {count(counts[status])}
            </span>
          ))}
        </span>
        <span class="count">
          {rows.length === all.length
            ? plural(all.length, 'key', 'keys', count(all.length))
            : `${count(rows.length)} of ${plural(all.length, 'key', 'keys', count(all.length))}`}
        </span>
      </div>
      <div class="split">
        <VirtualList
          label="Entries"
          items={rows}
          empty={all.length === 0 ? 'The cache is empty.' : 'No key matches the filter.'}
          selected={selected === undefined ? -1 : rows.indexOf(selected)}
          onPick={(row) => onView({ selected: row.text === view.selected ? undefined : row.text })}
          head={
            <>
              {header('status', 'Status', 'status', 'Status: fresh, stale, loading or error', '●')}
              {header('key', 'Key', 'key')}
              <th scope="col" class="value wide-only">
                Value
              </th>
              {header('rank', 'Rank', 'num', RANK_HELP)}
              {lfu && header('frequency', 'Uses', 'num', USES_HELP)}
              {header('age', 'Age', 'dur wide-only')}
              {header('ttl', 'TTL left', 'dur')}
              {/* Sized as the duration columns: wide enough for its label. */}
              {persistence && header('persisted', 'Persisted', 'dur wide-only')}
              <th scope="col" class="action wide-only">
                <span class="sr">Actions</span>
              </th>
            </>
          }
          renderRow={(row) => {
            const { entry } = row
            return (
              <>
                <td class="status">
                  <span class={`dot status-${row.status}`} aria-hidden="true" />
                  <span class="sr">{row.status}</span>
                </td>
                <td class="key" title={row.label}>
                  {row.label}
                </td>
                <td class="value wide-only">{entry === undefined ? '' : preview(entry.value)}</td>
                <td class="num">{entry?.rank ?? '—'}</td>
                {lfu && <td class="num">{entry?.frequency ?? '—'}</td>}
                <td class="dur wide-only">{entry?.ageMs == null ? '—' : duration(entry.ageMs)}</td>
                <td class={entry?.stale ? 'dur stale' : 'dur'}>
                  {entry === undefined
                    ? '—'
                    : entry.ttlRemainingMs === null
                      ? '∞'
                      : entry.stale
                        ? 'stale'
                        : duration(entry.ttlRemainingMs)}
                </td>
                {persistence && (
                  <td class="dur wide-only">
                    {entry?.persisted === undefined ? '—' : entry.persisted ? 'yes' : 'no'}
                  </td>
                )}
                <td class="action wide-only">
                  {entry !== undefined && (
                    <button
                      type="button"
                      class="danger"
                      aria-label={`Delete entry ${row.label}`}
                      onClick={(event) => {
                        event.stopPropagation()
                        cache.delete(row.key)
                        force(undefined)
                      }}
                    >
                      Delete
                    </button>
                  )}
                </td>
              </>
            )
          }}
        />
        {selected !== undefined && (
          <EntryDetails
            // Another entry is another pane: no note of the last one carries over.
            key={selected.text}
            cache={cache}
            recorder={recorder}
            entryKey={selected.key}
            label={selected.label}
            entry={selected.entry}
            onChange={() => force(undefined)}
            onTimeline={props.onTimeline}
            onClose={() => onView({ selected: undefined })}
          />
        )}
      </div>
    </div>
  )
}
