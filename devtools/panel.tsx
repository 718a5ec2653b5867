import { useState } from 'preact/hooks'
import { Entries } from './entries.js'
import { EventLog, keyText } from './event-log.js'
import { count } from './format.js'
import { Graph } from './graph.js'
import { keyLabel } from './labels.js'
import { SHORTCUT } from './names.js'
import { type DevtoolsChart, PANEL_POSITIONS, type PanelPosition, type Theme } from './options.js'
import type { Recorder } from './recorder.js'
import { clampSize, isSide, ResizeHandle } from './resize-handle.js'
import { StatsCards } from './stats-cards.js'
import type { Remembered } from './storage.js'
import type { EntriesView, EventsView, Tab } from './view.js'

/** The parts of the remembered state the panel shows and changes. */
export type PanelView = Pick<Remembered, 'tab' | 'entries' | 'events'> & {
  theme: Theme
  position: PanelPosition
}

/** Props of {@link Panel}. */
export interface PanelProps {
  /**
   * How each cache shown is described ({@link describeCache}), in display order. Text only: what
   * the panel renders is kept until the next render, and it must keep no cache alive but the
   * selected one, so that a cache the app dropped can be collected while the panel is open.
   */
  choices: readonly string[]
  selected: Recorder | undefined
  /** The selected cache's place in `choices`; -1 when none is. */
  selectedIndex: number
  /** Called with the place in `choices` the user picked. */
  onSelect: (index: number) => void
  /** The time (ms) that ends the graph's rolling window. */
  now: number
  /** The panel's height, or its width when docked at a side (`view.position`). */
  size: number
  /** The largest that size may be (the viewport's height or width less a margin). */
  maxSize: number
  onResize: (size: number) => void
  onClose: () => void
  onChart?: ((chart: DevtoolsChart) => void) | undefined
  view: PanelView
  onView: (change: Partial<Remembered>) => void
  /** Changes when the colours change (a theme picked, the OS switching): the chart is redrawn. */
  colours: string
  /** The page's origin, which `cachedFetch` keys are shown relative to. */
  origin: string | undefined
}

/** How a cache is called in the panel: its name, or its place for an unnamed one. */
export function cacheLabel(recorder: Recorder, index: number): string {
  return recorder.cache.name || `cache ${index + 1}`
}

/** A cache as the selector lists it: label, policy, size and capacity. */
export function describeCache(recorder: Recorder, index: number): string {
  const { cache } = recorder
  return `${cacheLabel(recorder, index)} · ${cache.policy} · ${count(cache.size)}/${count(cache.maxsize)}`
}

/** Clear cache, asking first: a second button confirms, Cancel (or leaving it) keeps the entries. */
function ClearButton({ what, onClear }: { what: string; onClear: () => void }) {
  const [asking, setAsking] = useState(false)
  if (!asking) {
    return (
      <button
        type="button"
        class="danger"
        aria-label={`Clear every entry of ${what}`}
        onClick={() => setAsking(true)}
      >
        Clear cache
      </button>
    )
  }
  return (
    <span class="confirm">
      <button
        type="button"
        class="danger"
        aria-label={`Yes, clear every entry of ${what} and reset its statistics`}
        onClick={() => {
          setAsking(false)
          onClear()
        }}
      >
        Clear all
      </button>
      <button type="button" onClick={() => setAsking(false)}>
        Cancel
      </button>
    </span>
  )
}

/**
 * The open panel: cache selector and actions, stat cards and the live graph on the left,
 * entries and the event log (tabs) on the right. Everything it reads or changes goes through
 * the cache's public API.
 */
export function Panel(props: PanelProps) {
  const {
    choices,
    selected,
    selectedIndex: index,
    maxSize,
    onResize,
    onClose,
    view,
    onView,
  } = props
  const tab = view.tab
  const setTab = (t: Tab) => onView({ tab: t })
  const onEntries = (change: Partial<EntriesView>) =>
    onView({ entries: { ...view.entries, ...change } })
  const onEvents = (change: Partial<EventsView>) =>
    onView({ events: { ...view.events, ...change } })
  const label = (key: unknown) => keyLabel(key, cache?.describeKey, props.origin)
  const { position } = view
  const size = clampSize(position, props.size, maxSize)
  const cache = selected?.cache
  return (
    <section
      class={`panel ${position}`}
      aria-label="asynccache devtools"
      tabIndex={-1}
      style={isSide(position) ? { width: `${size}px` } : { height: `${size}px` }}
      onKeyDown={(event) => {
        if (event.key === 'Escape') onClose()
      }}
    >
      <ResizeHandle position={position} size={size} max={maxSize} onResize={onResize} />
      <header>
        <h2>asynccache</h2>
        {choices.length > 1 ? (
          <label>
            <span class="sr">Cache</span>
            <select
              aria-label="Cache"
              value={String(index)}
              onChange={(event) => props.onSelect(Number(event.currentTarget.value))}
            >
              {choices.map((choice, i) => (
                <option key={i} value={String(i)}>
                  {choice}
                </option>
              ))}
            </select>
          </label>
        ) : (
          selected !== undefined && <span class="cache">{choices[index]}</span>
        )}
        <span class="spacer" />
        <label>
          <span class="sr">Theme</span>
          <select
            aria-label="Theme"
            value={view.theme}
            onChange={(event) => onView({ theme: event.currentTarget.value as Theme })}
          >
            <option value="system">system theme</option>
            <option value="light">light</option>
            <option value="dark">dark</option>
          </select>
        </label>
        <label>
          <span class="sr">Position</span>
          <select
            aria-label="Position"
            value={position}
            onChange={(event) => onView({ position: event.currentTarget.value as PanelPosition })}
          >
            {PANEL_POSITIONS.map((edge) => (
              <option key={edge} value={edge}>
                {`dock ${edge}`}
              </option>
            ))}
          </select>
        </label>
        {cache !== undefined && (
          <>
            <button
              type="button"
              aria-label={`Reset the statistics of ${cacheLabel(selected as Recorder, index)}`}
              onClick={() => cache.resetStats()}
            >
              Reset stats
            </button>
            <ClearButton
              what={cacheLabel(selected as Recorder, index)}
              onClear={() => cache.clear()}
            />
          </>
        )}
        <button
          type="button"
          aria-label={`Close asynccache devtools (${SHORTCUT} or Escape)`}
          aria-keyshortcuts={SHORTCUT}
          onClick={onClose}
        >
          ✕
        </button>
      </header>
      {selected === undefined || cache === undefined ? (
        <p class="empty">
          No cache to show yet: every cache the app creates appears here as soon as it exists.
        </p>
      ) : (
        <div class="body">
          <div class="overview">
            <Graph
              series={selected.series(props.now)}
              onChart={props.onChart}
              colours={props.colours}
            />
            <StatsCards stats={cache.getStats()} failures={selected.failures} />
          </div>
          <div class="details">
            <div class="tabs" role="tablist" aria-label="Details">
              <button
                type="button"
                role="tab"
                id="tab-entries"
                aria-controls="tabpanel"
                aria-selected={tab === 'entries'}
                onClick={() => setTab('entries')}
              >
                Entries ({count(cache.size)})
              </button>
              <button
                type="button"
                role="tab"
                id="tab-events"
                aria-controls="tabpanel"
                aria-selected={tab === 'events'}
                onClick={() => setTab('events')}
              >
                Events
              </button>
            </div>
            <div class="tabpanel" role="tabpanel" id="tabpanel" aria-labelledby={`tab-${tab}`}>
              {tab === 'entries' ? (
                <Entries
                  cache={cache}
                  recorder={selected}
                  version={selected.version}
                  view={view.entries}
                  onView={onEntries}
                  origin={props.origin}
                  onTimeline={(key) =>
                    onView({ tab: 'events', events: { ...view.events, key: keyText(key) } })
                  }
                />
              ) : (
                <EventLog
                  events={selected.events()}
                  total={selected.total}
                  view={view.events}
                  onView={onEvents}
                  label={label}
                />
              )}
            </div>
          </div>
        </div>
      )}
    </section>
  )
}
