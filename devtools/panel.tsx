import { useState } from 'preact/hooks'
import type uPlot from 'uplot'
import { Entries } from './entries.js'
import { EventLog } from './event-log.js'
import { count } from './format.js'
import { Graph } from './graph.js'
import type { Recorder } from './recorder.js'
import { clampHeight, ResizeHandle } from './resize-handle.js'
import { StatsCards } from './stats-cards.js'
import { SHORTCUT } from './toggle-button.js'

/** Props of {@link Panel}. */
export interface PanelProps {
  /** One recorder per cache shown, in display order. */
  recorders: readonly Recorder[]
  selected: Recorder | undefined
  onSelect: (recorder: Recorder) => void
  /** The time (ms) that ends the graph's rolling window. */
  now: number
  height: number
  /** The tallest the panel may be (the viewport's height less a margin). */
  maxHeight: number
  onResize: (height: number) => void
  onClose: () => void
  onChart?: ((chart: uPlot) => void) | undefined
}

/** How a cache is called in the panel: its name, or its place for an unnamed one. */
export function cacheLabel(recorder: Recorder, index: number): string {
  return recorder.cache.name ?? `unnamed cache #${index + 1}`
}

function describeCache(recorder: Recorder, index: number): string {
  const { cache } = recorder
  return `${cacheLabel(recorder, index)} · ${cache.policy} · ${count(cache.size)}/${count(cache.maxsize)}`
}

/**
 * The open panel: cache selector and actions, stat cards and the live graph on the left,
 * entries and the event log (tabs) on the right. Everything it reads or changes goes through
 * the cache's public API.
 */
export function Panel(props: PanelProps) {
  const { recorders, selected, maxHeight, onResize, onClose } = props
  const [tab, setTab] = useState<'entries' | 'events'>('entries')
  const height = clampHeight(props.height, maxHeight)
  const index = selected === undefined ? -1 : recorders.indexOf(selected)
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
        {recorders.length > 1 ? (
          <label>
            <span class="sr">Cache</span>
            <select
              aria-label="Cache"
              value={String(index)}
              onChange={(event) => {
                const chosen = recorders[Number(event.currentTarget.value)]
                if (chosen !== undefined) props.onSelect(chosen)
              }}
            >
              {recorders.map((r, i) => (
                <option key={i} value={String(i)}>
                  {describeCache(r, i)}
                </option>
              ))}
            </select>
          </label>
        ) : (
          selected !== undefined && <span class="cache">{describeCache(selected, index)}</span>
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
