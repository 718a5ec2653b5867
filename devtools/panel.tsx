import { useState } from 'preact/hooks'
import { Entries } from './entries.js'
import { EventLog } from './event-log.js'
import { count } from './format.js'
import { Graph } from './graph.js'
import type { DevtoolsChart } from './options.js'
import type { Recorder } from './recorder.js'
import { clampHeight, ResizeHandle } from './resize-handle.js'
import { SHORTCUT } from './shortcut.js'
import { StatsCards } from './stats-cards.js'

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
  height: number
  /** The tallest the panel may be (the viewport's height less a margin). */
  maxHeight: number
  onResize: (height: number) => void
  onClose: () => void
  onChart?: ((chart: DevtoolsChart) => void) | undefined
}

/** How a cache is called in the panel: its name, or its place for an unnamed one. */
export function cacheLabel(recorder: Recorder, index: number): string {
  return recorder.cache.name ?? `unnamed cache #${index + 1}`
}

/** A cache as the selector lists it: label, policy, size and capacity. */
export function describeCache(recorder: Recorder, index: number): string {
  const { cache } = recorder
  return `${cacheLabel(recorder, index)} · ${cache.policy} · ${count(cache.size)}/${count(cache.maxsize)}`
}

/**
 * The open panel: cache selector and actions, stat cards and the live graph on the left,
 * entries and the event log (tabs) on the right. Everything it reads or changes goes through
 * the cache's public API.
 */
export function Panel(props: PanelProps) {
  const { choices, selected, selectedIndex: index, maxHeight, onResize, onClose } = props
  const [tab, setTab] = useState<'entries' | 'events'>('entries')
  const height = clampHeight(props.height, maxHeight)
  const cache = selected?.cache
  return (
    <section
      class="panel"
      aria-label="asynccache devtools"
      tabIndex={-1}
      style={{ height: `${height}px` }}
      onKeyDown={(event) => {
        if (event.key === 'Escape') onClose()
      }}
    >
      <ResizeHandle height={height} max={maxHeight} onResize={onResize} />
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
        {cache !== undefined && (
          <>
            <button
              type="button"
              aria-label={`Reset the statistics of ${cacheLabel(selected as Recorder, index)}`}
              onClick={() => cache.resetStats()}
            >
              Reset stats
            </button>
            <button
              type="button"
              class="danger"
              aria-label={`Clear every entry of ${cacheLabel(selected as Recorder, index)}`}
              onClick={() => cache.clear()}
            >
              Clear cache
            </button>
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
          No cache to show yet. Give a cache a <code>name</code> (named caches are found
          automatically) or pass it in <code>caches</code>.
        </p>
      ) : (
        <div class="body">
          <div class="overview">
            <Graph series={selected.series(props.now)} onChart={props.onChart} />
            <StatsCards stats={cache.getStats()} />
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
                <Entries cache={cache} version={selected.version} />
              ) : (
                <EventLog events={selected.events()} total={selected.total} />
              )}
            </div>
          </div>
        </div>
      )}
    </section>
  )
}
