import { useState } from 'preact/hooks'
import type { CacheEvent } from '../lib/index.js'
import { clockTime, count, duration, preview } from './format.js'
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
  'load-start',
  'load-success',
  'load-error',
]

const ALL = ''

/** Props of {@link EventLog}. */
export interface EventLogProps {
  /** The kept events, newest first. */
  events: readonly CacheEvent[]
  /** Events ever recorded, the dropped ones included. */
  total: number
}

/** An event's fields besides `type`, `time` and `key`, as `name=value` text. */
function details(event: CacheEvent): string {
  const parts: string[] = []
  for (const [name, value] of Object.entries(event)) {
    if (name === 'type' || name === 'time' || name === 'key') continue
    const text =
      name === 'durationMs' && typeof value === 'number' ? duration(value) : preview(value, 60)
    parts.push(`${name}=${text}`)
  }
  return parts.join(' ')
}

/**
 * The last events (a bounded ring buffer kept by the recorder), newest first, with a type
 * filter. Layer events (persistence, fetch) appear beside the core's, with all their fields.
 */
export function EventLog({ events, total }: EventLogProps) {
  const [type, setType] = useState(ALL)
  const types = new Set(CORE_TYPES)
  for (const e of events) types.add(e.type)
  if (type !== ALL) types.add(type)
  const shown = type === ALL ? events : events.filter((e) => e.type === type)

  return (
    <div class="pane">
      <div class="toolbar">
        <label>
          Type
          <select value={type} onChange={(event) => setType(event.currentTarget.value)}>
            <option value={ALL}>all types</option>
            {[...types].map((t) => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
          </select>
        </label>
        <span class="count">
          {`${count(shown.length)} shown · ${count(total)} recorded, the last ${count(events.length)} kept`}
        </span>
      </div>
      <VirtualList
        label="Event log"
        items={shown}
        empty="No events yet."
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
        renderRow={(event) => (
          <>
            <td class="time">{clockTime(event.time)}</td>
            <td class={`type type-${event.type}`}>{event.type}</td>
            <td class="key">{'key' in event ? preview(event.key) : ''}</td>
            <td class="value">{details(event)}</td>
          </>
        )}
      />
    </div>
  )
}
