import { useState } from 'preact/hooks'
import type { CacheEvent } from '../lib/index.js'
import { clockTime, count, eventDetails, fullText, toJson } from './format.js'
import type { EventsView } from './view.js'
import { VirtualList } from './virtual-list.js'

/** The core's event types, offered by the type filter before any of them was seen. */
const CORE_TYPES = [
  'hit',
  'miss',
  'set',
  'evict',
  'delete',
  'clear',
  'stats-reset',
  'stale',
  'expire',
  'load-start',
  'load-success',
  'load-error',
  'load-retry',
]

const ALL = ''

/** A key's whole text, which the key filter and the entries' selection compare. */
export function keyText(key: unknown): string {
  return typeof key === 'string' ? key : fullText(key)
}

/** Props of {@link EventLog}. */
export interface EventLogProps {
  /** The kept events, newest first. */
  events: readonly CacheEvent[]
  /** Events ever recorded, the dropped ones included. */
  total: number
  view: EventsView
  onView: (change: Partial<EventsView>) => void
  /** How a key is shown (see `keyLabel`). */
  label: (key: unknown) => string
}

/**
 * The last events (a bounded ring buffer kept by the recorder), newest first, as a timeline:
 * filtered by type and by key (a click on a key filters to it), each row expanding to its whole
 * payload. Layer events (persistence, fetch) appear beside the core's, with all their fields.
 */
export function EventLog({ events, total, view, onView, label }: EventLogProps) {
  const [open, setOpen] = useState<CacheEvent | undefined>(undefined)
  const types = new Set(CORE_TYPES)
  for (const e of events) types.add(e.type)
  if (view.type !== ALL) types.add(view.type)
  const shown = events.filter(
    (e) =>
      (view.type === ALL || e.type === view.type) &&
      (view.key === undefined || ('key' in e && keyText(e.key) === view.key)),
  )
  const openIndex = open === undefined ? -1 : shown.indexOf(open)

  return (
    <div class="pane">
      <div class="toolbar">
        <label>
          Type
          <select
            value={view.type}
            onChange={(event) => onView({ type: event.currentTarget.value })}
          >
            <option value={ALL}>all types</option>
            {[...types].map((t) => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
          </select>
        </label>
        {view.key !== undefined && (
          <span class="chip">
            key {label(view.key)}{' '}
            <button
              type="button"
              aria-label="Show the events of every key"
              onClick={() => onView({ key: undefined })}
            >
              ✕
            </button>
          </span>
        )}
        <span class="count">
          {`${count(shown.length)} shown · ${count(total)} recorded, the last ${count(events.length)} kept`}
        </span>
      </div>
      <VirtualList
        label="Event log"
        items={shown}
        empty={
          events.length === 0
            ? 'No events yet.'
            : `No ${view.type === ALL ? '' : `${view.type} `}event${view.key === undefined ? '' : ' of this key'} among the last ${count(events.length)}.`
        }
        selected={openIndex}
        onPick={(event) => setOpen(event === open ? undefined : event)}
        head={
          <>
            <th scope="col" class="time">
              Time
            </th>
            <th scope="col" class="type">
              Type
            </th>
            <th scope="col" class="key">
              Key
            </th>
            <th scope="col" class="value">
              Details
            </th>
          </>
        }
        renderRow={(event) => {
          const details = eventDetails(event)
          const failed =
            event.type === 'load-error' || (event.type === 'fetch-response' && event.status >= 400)
          return (
            <>
              <td class="time">{clockTime(event.time)}</td>
              <td
                class={failed ? 'type status-error' : `type type-${event.type}`}
                title={event.type}
              >
                {event.type}
              </td>
              <td class="key">
                {'key' in event && (
                  <button
                    type="button"
                    class="link"
                    title={`Only the events of ${label(event.key)}`}
                    onClick={(e) => {
                      e.stopPropagation()
                      onView({ key: keyText(event.key) })
                    }}
                  >
                    {label(event.key)}
                  </button>
                )}
              </td>
              <td class="value" title={details}>
                {details}
              </td>
            </>
          )
        }}
      />
      {open !== undefined && openIndex !== -1 && (
        <section class="event-payload" aria-label="Event payload">
          <div class="details-head">
            <h4>
              {open.type} at {clockTime(open.time)}
            </h4>
            <button
              type="button"
              aria-label="Close the event payload"
              onClick={() => setOpen(undefined)}
            >
              ✕
            </button>
          </div>
          <pre>{toJson(open)}</pre>
        </section>
      )}
    </div>
  )
}
