import { useState } from 'preact/hooks'
import type { AsyncCache, CacheEvent, EntrySnapshot } from '../lib/index.js'
import { clockTime, duration, eventDetails, fullText, toJson } from './format.js'
import type { Recorder } from './recorder.js'
import { isStoredResponse, ResponseView } from './response-view.js'
import { holdLoading, isHeld, rejectHeld, resolveHeld, triggerError } from './triggers.js'
import { ValueTree } from './value-tree.js'

/** Events of the key the pane lists; the timeline (Events tab) has them all. */
const RECENT = 20

/** What the rank and the LFU count mean, in one line each (the entries table's headers say it too). */
export const RANK_HELP =
  'Rank: place in the eviction order, 0 = evicted last; the highest rank is evicted next.'
export const USES_HELP =
  'Uses: LFU counts each use; when full, the entry with the fewest uses goes.'

/** Props of {@link EntryDetails}. */
export interface EntryDetailsProps {
  cache: AsyncCache
  recorder: Recorder
  /** The key shown; its entry may be gone (a load in flight, a failed load). */
  entryKey: unknown
  label: string
  entry: (EntrySnapshot<unknown, unknown> & { persisted?: boolean }) | undefined
  /** Called after an action changed the cache, so that the panel redraws now. */
  onChange: () => void
  /** Shows the key's events in the timeline (the Events tab, filtered to the key). */
  onTimeline: (key: unknown) => void
  onClose: () => void
}

/** Copies text to the clipboard where the page may; says how it went. */
async function copy(text: string): Promise<string> {
  try {
    await navigator.clipboard.writeText(text)
    return 'Copied.'
  } catch {
    return 'The page may not write to the clipboard.'
  }
}

/**
 * One entry in full: its key, its value as a tree (a `cachedFetch` response as status,
 * headers and decoded body), its age, TTL, stale window, rank or LFU uses, whether it is on
 * disk, its last error, its recent events, and the actions on it. Every action goes through the
 * cache's public API.
 */
export function EntryDetails(props: EntryDetailsProps) {
  const { cache, recorder, entryKey: key, entry, onChange } = props
  const [note, setNote] = useState('')
  /** Why the last Refresh could not reload the key (its load's own failure shows as an error too). */
  const [refreshNote, setRefreshNote] = useState('')
  const act = (action: () => unknown) => () => {
    action()
    onChange()
  }
  const error = recorder.errors.get(key)
  const loading = recorder.loading.has(key)
  const held = isHeld(cache, key)
  const reloader = cache.reloader
  const events = recorder.eventsOf(key).slice(0, RECENT)
  const value = entry?.value
  return (
    <section class="entry-details" aria-label="Entry details">
      <div class="details-head">
        <h3 title={props.label}>{props.label}</h3>
        <button type="button" aria-label="Close the entry details" onClick={props.onClose}>
          ✕
        </button>
      </div>
      <p class="full-key">
        <span class="muted">key </span>
        <code>{fullText(key)}</code>
      </p>
      <div class="actions">
        <button
          type="button"
          disabled={reloader === undefined}
          title={
            reloader === undefined
              ? 'Nothing but the app can reload this cache’s keys (cachedFetch and asyncCache without a key option set cache.reloader): Invalidate it, and its next use reloads it.'
              : 'Load the key again now, as the app would, and store the result.'
          }
          onClick={() => {
            setRefreshNote('')
            reloader?.(key).catch((failure: unknown) => {
              setRefreshNote(
                `Refresh failed: ${failure instanceof Error ? failure.message : String(failure)}`,
              )
            })
            onChange()
          }}
        >
          Refresh
        </button>
        <button
          type="button"
          disabled={entry === undefined || entry.stale}
          title="Mark it stale: its next use reloads it (served meanwhile inside the stale-while-revalidate window)."
          onClick={act(() => cache.expire(key))}
        >
          Invalidate
        </button>
        {held ? (
          <>
            <button type="button" onClick={act(() => resolveHeld(cache, key))}>
              Restore
            </button>
            <button type="button" class="danger" onClick={act(() => rejectHeld(cache, key))}>
              Fail the load
            </button>
          </>
        ) : (
          <button
            type="button"
            disabled={loading}
            title="Remove the entry and hold a load of the key open: the app’s next use waits, showing its loading state, until Restore or Fail."
            onClick={act(() => holdLoading(cache, key))}
          >
            Trigger loading
          </button>
        )}
        <button
          type="button"
          disabled={loading}
          title="Run a load of the key that fails at once: the entry stays, the failure is recorded."
          onClick={act(() => triggerError(cache, key))}
        >
          Trigger error
        </button>
        <button
          type="button"
          class="danger"
          disabled={entry === undefined}
          onClick={act(() => cache.delete(key))}
        >
          Delete
        </button>
      </div>
      {refreshNote !== '' && (
        <p class="muted" role="status">
          {refreshNote}
        </p>
      )}
      {error !== undefined && (
        <p class="status-error" role="status">
          Last load failed at {clockTime(error.time)}: {error.message}
        </p>
      )}
      {loading && <p class="status-loading">Loading{held ? ' (held by the devtools)' : ''}…</p>}
      {entry === undefined ? (
        <p class="muted">Not in the cache{loading ? ' yet' : ''}.</p>
      ) : (
        <>
          <dl class="facts">
            <dt>Status</dt>
            <dd class={entry.stale ? 'status-stale' : 'status-fresh'}>
              {entry.stale ? 'stale (served while it reloads)' : 'fresh'}
            </dd>
            <dt>Age</dt>
            <dd>{entry.ageMs === null ? 'not tracked' : duration(entry.ageMs)}</dd>
            <dt>TTL left</dt>
            <dd>
              {entry.ttlRemainingMs === null
                ? 'never expires'
                : entry.stale
                  ? `expired ${duration(-entry.ttlRemainingMs)} ago`
                  : duration(entry.ttlRemainingMs)}
            </dd>
            <dt>Stale window</dt>
            <dd>
              {cache.staleWhileRevalidate > 0
                ? `${duration(cache.staleWhileRevalidate * 1000)} past the TTL`
                : 'none'}
            </dd>
            <dt>Rank</dt>
            <dd title={RANK_HELP}>
              {entry.rank} <span class="muted">(0 = evicted last)</span>
            </dd>
            {entry.frequency !== undefined && (
              <>
                <dt>Uses</dt>
                <dd title={USES_HELP}>
                  {entry.frequency} <span class="muted">(LFU evicts the fewest first)</span>
                </dd>
              </>
            )}
            {entry.persisted !== undefined && (
              <>
                <dt>Persisted</dt>
                <dd>{entry.persisted ? 'on disk' : 'not yet on disk'}</dd>
              </>
            )}
          </dl>
          <div class="actions">
            <button type="button" onClick={() => copy(toJson(key)).then(setNote)}>
              Copy key as JSON
            </button>
            <button type="button" onClick={() => copy(toJson(value)).then(setNote)}>
              Copy value as JSON
            </button>
            <span class="muted" role="status">
              {note}
            </span>
          </div>
          {isStoredResponse(value) ? (
            <ResponseView response={value} />
          ) : (
            <ValueTree name="value" value={value} />
          )}
        </>
      )}
      <div class="details-head">
        <h4>Recent events of this key</h4>
        <button type="button" onClick={() => props.onTimeline(key)}>
          Timeline
        </button>
      </div>
      {events.length === 0 ? (
        <p class="muted">None in the log.</p>
      ) : (
        <ol class="key-events">
          {events.map((e: CacheEvent, i) => (
            <li key={i}>
              <span class="time">{clockTime(e.time)}</span>{' '}
              <span class={`type type-${e.type}`}>{e.type}</span> {eventDetails(e)}
            </li>
          ))}
        </ol>
      )}
    </section>
  )
}
